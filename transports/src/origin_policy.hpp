#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gw::transports {

// Why a browser's WebSocket upgrade from `origin` is refused, or nothing. Allowed: no Origin
// header (not a browser), the page's own origin (Origin names the Host the request was sent
// to), or an origin listed in `allowed` ("*" allows all). Without this, any web page a user on
// the LAN opens could talk to the gateway through their browser.
std::optional<std::string> refused_origin(std::string_view origin, std::string_view host,
                                          const std::vector<std::string>& allowed);

}  // namespace gw::transports
