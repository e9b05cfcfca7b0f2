#include "discovery_options.hpp"

#include <cmath>
#include <iostream>

namespace gw::gwctl {

std::vector<discovery::NetworkInterface> chosen_interfaces(const std::vector<std::string>& names) {
  return discovery::select_interfaces(discovery::list_interfaces(), names);
}

std::chrono::milliseconds milliseconds_of(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000.0)));
}

void print_warnings(const char* command, const std::vector<std::string>& warnings) {
  for (const auto& warning : warnings)
    std::cerr << "gwctl " << command << ": warning: " << warning << '\n';
}

}  // namespace gw::gwctl
