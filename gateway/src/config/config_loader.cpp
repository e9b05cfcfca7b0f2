#include <cstdlib>
#include <sstream>

#include <toml++/toml.h>

#include <gw/gateway/config_loader.hpp>
#include <gw/gateway/config_options.hpp>
#include <gw/gateway/topic.hpp>
#include <gw/message/private_file.hpp>

#include "config_blocks.hpp"
#include "mqtt_tables.hpp"

namespace gw::gateway {

namespace {

const ConfigOption* find_by_flag(std::string_view flag) {
  for (const auto& option : config_options())
    if (option.flag == flag) return &option;
  return nullptr;
}

const ConfigOption* find_in_file(std::string_view section, std::string_view name) {
  for (const auto& option : config_options())
    if (!option.section.empty() && option.section == section && option.name == name) return &option;
  return nullptr;
}

// Paths given on the command line or in the environment are relative to the working directory,
// not to the data directory as in the config file.
std::string anchored(const ConfigOption& option, const std::string& value) {
  if (option.value_name != "FILE" || value.empty()) return value;
  return std::filesystem::absolute(value).string();
}

void apply(Config& config, const ConfigOption& option, const std::string& value,
           const std::string& where) {
  if (auto complaint = option.parse(config, value))
    throw ConfigError("invalid value '" + value + "' for " + where + ": " + *complaint);
}

std::string value_text(const toml::node& node, const std::string& where) {
  if (auto text = node.value_exact<std::string>()) return *text;
  if (auto number = node.value_exact<std::int64_t>()) return std::to_string(*number);
  if (auto flag = node.value_exact<bool>()) return *flag ? "true" : "false";
  if (const auto* list = node.as_array();
      list && (list->empty() || list->is_homogeneous<std::string>())) {
    std::string joined;  // a list of strings, for options that take several
    for (const auto& item : *list)
      joined += (joined.empty() ? "" : ",") + *item.value<std::string>();
    return joined;
  }
  const char* got = node.is_floating_point() ? "a fractional number"
                    : node.is_array()        ? "an array"
                    : node.is_table()        ? "a table"
                                             : "a date or time";
  throw ConfigError("invalid value for " + where + ": expected a string, a whole number or " +
                    "true/false, not " + got);
}

std::string table_field(const toml::table& entry, std::string_view field,
                        const std::string& where) {
  const auto* node = entry.get(field);
  const auto text = node ? node->value_exact<std::string>() : std::nullopt;
  if (!text || text->empty())
    throw ConfigError(where + ": needs " + std::string(field) + " = \"...\" (name, file and key)");
  return *text;
}

// [[tables]]: name, file and key for each lookup table.
void apply_tables(Config& config, const toml::node& node, const std::filesystem::path& path) {
  for_each_block(node, path, "tables", [&](const toml::table& entry, const std::string& where) {
    TableSpec spec{table_field(entry, "name", where), table_field(entry, "file", where),
                   table_field(entry, "key", where)};
    for (const auto& [name, value] : entry)
      if (name != "name" && name != "file" && name != "key")
        throw ConfigError(where + ": unknown field " + std::string(name.str()));
    for (const auto& other : config.tables)
      if (other.name == spec.name)
        throw ConfigError(where + ": a second table '" + spec.name + "'");
    config.tables.push_back(std::move(spec));
  });
}

// [[history]]: filter, messages and seconds for each set of topics that keeps history.
void apply_history(Config& config, const toml::node& node, const std::filesystem::path& path) {
  for_each_block(node, path, "history", [&](const toml::table& entry, const std::string& where) {
    const auto* filter = entry.get("filter");
    const auto text = filter ? filter->value_exact<std::string>() : std::nullopt;
    if (!text)
      throw ConfigError(where + ": needs filter = \"...\" (a topic filter, such as \"home/#\")");
    if (auto problem = topic::check_filter(*text)) throw ConfigError(where + ": " + *problem);
    HistorySpec spec{*text};
    spec.messages = static_cast<std::size_t>(whole_number_field(
        entry, "messages", static_cast<std::int64_t>(spec.messages), 1, 100000, where));
    spec.seconds = std::chrono::seconds(
        whole_number_field(entry, "seconds", spec.seconds.count(), 1, 366 * 86400, where));
    for (const auto& [name, value] : entry)
      if (name != "filter" && name != "messages" && name != "seconds")
        throw ConfigError(where + ": unknown field " + std::string(name.str()) +
                          " (filter, messages and seconds)");
    for (const auto& other : config.history)
      if (other.filter == spec.filter)
        throw ConfigError(where + ": a second [[history]] for '" + spec.filter + "'");
    config.history.push_back(std::move(spec));
  });
}

// "[gateway], [listeners], ..., [log]": the sections of the option table, in its order.
std::string section_list() {
  std::string list;
  std::string_view last;
  for (const auto& option : config_options()) {
    if (option.section.empty() || option.section == last) continue;
    last = option.section;
    list += (list.empty() ? "[" : ", [") + std::string(last) + "]";
  }
  return list;
}

void apply_file(Config& config, const std::filesystem::path& path) {
  toml::table table;
  try {
    table = toml::parse_file(path.string());
  } catch (const toml::parse_error& error) {
    std::ostringstream text;
    text << "config file " << path.string() << " line " << error.source().begin.line << ": "
         << error.description();
    throw ConfigError(text.str());
  }
  for (const auto& [section, node] : table) {
    if (section.str() == "tables") {
      apply_tables(config, node, path);
      continue;
    }
    if (section.str() == "history") {
      apply_history(config, node, path);
      continue;
    }
    if (section.str() == "mqtt") {
      apply_mqtt_tables(config, node, path);
      continue;
    }
    const auto* entries = node.as_table();
    if (!entries)
      throw ConfigError("config file " + path.string() + ": '" + std::string(section.str()) +
                        "' is not a [section]; options live in " + section_list() +
                        ", lookup tables in [[tables]], topic history in [[history]] and "
                        "MQTT bridges in [[mqtt]]");
    for (const auto& [name, value] : *entries) {
      const auto where = std::string(section.str()) + "." + std::string(name.str()) + " in " +
                         path.string() + " line " + std::to_string(value.source().begin.line);
      const auto* option = find_in_file(section.str(), name.str());
      if (!option) throw ConfigError("unknown option " + where);
      apply(config, *option, value_text(value, where), where);
    }
  }
}

// The admin key from admin_key_file, so that it need not be on the command line.
void read_admin_key_file(Config& config) {
  if (config.admin_key_file.empty()) return;
  if (!config.admin_key.empty())
    throw ConfigError("admin_key and admin_key_file are both set: give the admin key one way");
  auto path = config.admin_key_file;
  if (path.is_relative()) path = config.data_dir / path;
  const auto key = message::PrivateFile::first_line(path, "admin_key_file", false);
  if (!key) throw ConfigError(key.error().text);
  const auto& option = *find_by_flag("admin-key");
  if (auto complaint = option.parse(config, *key))
    throw ConfigError("admin_key_file " + path.string() + ": " + *complaint);
}

}  // namespace

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    return std::nullopt;
  };
}

Config load_config(std::span<const FlagValue> flags, const Environment& environment) {
  Config config;
  // Where the file is comes from the environment and flags alone.
  for (const auto* flag : {"data-dir", "config"}) {
    const auto& option = *find_by_flag(flag);
    if (auto value = environment(option.environment_variable()))
      apply(config, option, *value, option.environment_variable());
    for (const auto& given : flags)
      if (given.flag == flag) apply(config, option, given.value, "--" + given.flag);
  }
  if (std::filesystem::exists(config.config_path())) apply_file(config, config.config_path());

  for (const auto& option : config_options()) {
    const auto variable = option.environment_variable();
    if (auto value = environment(variable))
      apply(config, option, anchored(option, *value), variable);
  }
  for (const auto& given : flags) {
    const auto* option = find_by_flag(given.flag);
    if (!option) throw ConfigError("unknown option --" + given.flag);
    apply(config, *option, anchored(*option, given.value), "--" + given.flag);
  }
  read_admin_key_file(config);
  validate(config);
  return config;
}

}  // namespace gw::gateway
