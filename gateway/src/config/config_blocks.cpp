#include "config_blocks.hpp"

#include <gw/gateway/config.hpp>

namespace gw::gateway {

void for_each_block(
    const toml::node& node, const std::filesystem::path& path, std::string_view name,
    const std::function<void(const toml::table& entry, const std::string& where)>& read) {
  const auto* entries = node.as_array();
  const auto blocks = "[[" + std::string(name) + "]]";
  if (!entries)
    throw ConfigError("config file " + path.string() + ": " + std::string(name) + " must be " +
                      blocks + " blocks");
  for (const auto& element : *entries) {
    const auto where =
        blocks + " in " + path.string() + " line " + std::to_string(element.source().begin.line);
    const auto* entry = element.as_table();
    if (!entry) throw ConfigError(where + ": expected a table");
    read(*entry, where);
  }
}

std::int64_t whole_number_field(const toml::table& entry, std::string_view field,
                                std::int64_t fallback, std::int64_t low, std::int64_t high,
                                const std::string& where) {
  const auto* node = entry.get(field);
  if (!node) return fallback;
  const auto number = node->value_exact<std::int64_t>();
  if (!number || *number < low || *number > high)
    throw ConfigError(where + ": " + std::string(field) + " must be a whole number from " +
                      std::to_string(low) + " to " + std::to_string(high));
  return *number;
}

}  // namespace gw::gateway
