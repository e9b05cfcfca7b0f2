#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace gw::message::detail {

// Offset of the bracket that opens level `max_depth + 1` of nested objects and arrays, or
// nullopt when the text nests no deeper than `max_depth`. Brackets inside strings do not count.
// A linear scan with no recursion, run before the parser so that depth never costs stack.
std::optional<std::size_t> first_too_deep(std::string_view text, std::size_t max_depth) noexcept;

}  // namespace gw::message::detail
