#pragma once

#include <optional>
#include <vector>

#include <gw/gateway/config_loader.hpp>

namespace gw::gatewayd {

struct CommandLine {
  std::vector<gateway::FlagValue> flags;  // only the options given, in table order
  bool print_config = false;
};

// Parses gatewayd's arguments. Returns the exit code when there is nothing more to do
// (--help, --version, or a usage error, which it has reported).
std::optional<int> parse_command_line(int argc, char** argv, CommandLine& out);

}  // namespace gw::gatewayd
