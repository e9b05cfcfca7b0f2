#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gw::gateway {

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_quoted(std::string_view text);
// A TOML array of such strings: ["a", "b"].
std::string toml_quoted_list(const std::vector<std::string>& items);

}  // namespace gw::gateway
