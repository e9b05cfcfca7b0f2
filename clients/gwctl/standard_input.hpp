#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace gw::gwctl {

// Everything on standard input, byte for byte; nullopt if it is longer than limit bytes.
// Throws std::runtime_error if standard input cannot be read.
std::optional<std::string> read_standard_input(std::size_t limit);

}  // namespace gw::gwctl
