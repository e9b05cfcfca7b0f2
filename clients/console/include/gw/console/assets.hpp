#pragma once

#include <optional>
#include <string_view>

namespace gw::console {

// One file of the browser console, embedded in the program at build time.
struct Asset {
  std::string_view content_type;
  std::string_view body;
};

// The console's file at an HTTP path ("/" is the page itself), or nothing.
std::optional<Asset> find_asset(std::string_view path);

}  // namespace gw::console
