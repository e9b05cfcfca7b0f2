#include "origin_policy.hpp"

#include <algorithm>
#include <cctype>

namespace gw::transports {

namespace {

bool same_text_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<std::string> refused_origin(std::string_view origin, std::string_view host,
                                          const std::vector<std::string>& allowed) {
  if (origin.empty()) return std::nullopt;
  for (const std::string_view scheme : {"http://", "https://"})
    if (origin.starts_with(scheme) && same_text_ignoring_case(origin.substr(scheme.size()), host))
      return std::nullopt;
  for (const auto& entry : allowed)
    if (entry == "*" || same_text_ignoring_case(entry, origin)) return std::nullopt;
  return "WebSocket connections from pages of " + std::string(origin) +
         " are refused; the gateway's operator can allow it with [listeners] allowed_origins\n";
}

}  // namespace gw::transports
