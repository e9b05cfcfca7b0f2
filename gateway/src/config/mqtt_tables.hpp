#pragma once

#include <filesystem>
#include <string>

#include <toml++/toml.h>

#include <gw/gateway/config.hpp>

namespace gw::gateway {

// [[mqtt]]: one bridge to an MQTT broker per table, checked whole (the broker's address, the
// filters, the payload, the numbers); throws ConfigError naming the table's line.
void apply_mqtt_tables(Config& config, const toml::node& node, const std::filesystem::path& path);
// The [[mqtt]] part of the config file: an example in comments, then each bridge's table.
std::string render_mqtt_tables(const Config& config);

}  // namespace gw::gateway
