#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <gw/discovery/network_interface.hpp>

namespace gw::gwctl {

// The interfaces named by --interface (loopback only when named), or every up non-loopback
// one. std::invalid_argument for an unknown name.
std::vector<discovery::NetworkInterface> chosen_interfaces(const std::vector<std::string>& names);

// Seconds as given on the command line, as a duration.
std::chrono::milliseconds milliseconds_of(double seconds);

// Prints each warning to standard error as "gwctl COMMAND: warning: ...".
void print_warnings(const char* command, const std::vector<std::string>& warnings);

}  // namespace gw::gwctl
