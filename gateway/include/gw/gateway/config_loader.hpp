#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>

#include <gw/gateway/config.hpp>

namespace gw::gateway {

// A value given on the command line, by the option's flag (without "--").
struct FlagValue {
  std::string flag;
  std::string value;
};

// Looks up an environment variable; std::getenv in gatewayd, a map in tests.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment process_environment();

// The configuration from its three sources, later ones winning: the config file (if it
// exists), GW_* environment variables, then flags. Throws ConfigError naming the source, the
// option and the value when something is wrong.
Config load_config(std::span<const FlagValue> flags, const Environment& environment);

}  // namespace gw::gateway
