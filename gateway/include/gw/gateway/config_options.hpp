#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <gw/gateway/config.hpp>

namespace gw::gateway {

// One setting of the configuration, known by the same name in all three places: `key` in the
// config file ([section] name), `--flag` on the command line, and GW_FLAG in the environment.
struct ConfigOption {
  std::string_view section;  // TOML table; empty for options that are not in the file
  std::string_view name;     // key inside the table
  std::string_view flag;     // without the leading "--"
  std::string_view value_name;
  std::string_view help;
  // Sets the option from text; returns what is wrong with the text, or nothing.
  std::optional<std::string> (*parse)(Config& config, std::string_view text);
  // The current value as a TOML value (quoted string, number or boolean).
  std::string (*show)(const Config& config);

  std::string environment_variable() const;  // GW_ + flag in capitals, '-' as '_'
};

// Every option, in the order the config file lists them.
std::span<const ConfigOption> config_options();

// The config file for `config`: every option with its value and a comment saying what it does.
std::string render_config_file(const Config& config);

// Checks what no single option can: values that must agree. Throws ConfigError.
void validate(const Config& config);

}  // namespace gw::gateway
