#include "mqtt_tables.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

#include <gw/gateway/topic.hpp>

#include "config_blocks.hpp"
#include "toml_text.hpp"

namespace gw::gateway {

namespace {

constexpr std::array known_fields = {"name",     "broker",        "ca_file",   "client_id",
                                     "username", "password_file", "device",    "export",
                                     "import",   "payload",       "qos",       "queue",
                                     "rate",     "keepalive",     "retry_min", "retry_max"};

std::string known_list() {
  std::string list;
  for (const auto* field : known_fields)
    list += (list.empty() ? "" : ", ") + std::string(field);
  return list;
}

std::string text_field(const toml::table& entry, std::string_view field, const std::string& where) {
  const auto* node = entry.get(field);
  if (!node) return {};
  const auto text = node->value_exact<std::string>();
  if (!text) throw ConfigError(where + ": " + std::string(field) + " must be a string");
  return *text;
}

// A list of topic filters (a string alone counts as a list of one).
std::vector<std::string> filters_field(const toml::table& entry, std::string_view field,
                                       const std::string& where) {
  const auto* node = entry.get(field);
  if (!node) return {};
  std::vector<std::string> filters;
  if (auto one = node->value_exact<std::string>()) {
    filters.push_back(*one);
  } else if (const auto* list = node->as_array(); list && list->is_homogeneous<std::string>()) {
    for (const auto& item : *list)
      filters.push_back(*item.value<std::string>());
  } else if (const auto* empty = node->as_array(); !empty || !empty->empty()) {
    throw ConfigError(where + ": " + std::string(field) +
                      " must be a list of topic filters, such as [\"home/#\"]");
  }
  for (const auto& filter : filters)
    if (auto problem = topic::check_filter(filter))
      throw ConfigError(where + ": " + std::string(field) + " '" + filter + "': " + *problem);
  return filters;
}

// mqtt://HOST[:PORT] or mqtts://HOST[:PORT]; an IPv6 address in brackets.
void read_broker(MqttBridgeSpec& spec, const std::string& where) {
  std::string_view rest = spec.broker;
  if (rest.starts_with("mqtt://")) {
    rest.remove_prefix(7);
  } else if (rest.starts_with("mqtts://")) {
    rest.remove_prefix(8);
    spec.tls = true;
  } else {
    throw ConfigError(where + ": broker '" + spec.broker +
                      "' must be mqtt://HOST[:PORT] or mqtts://HOST[:PORT]");
  }
  spec.port = spec.tls ? MqttBridgeSpec::default_tls_port : MqttBridgeSpec::default_port;
  std::string_view host = rest;
  std::string_view port;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos)
      throw ConfigError(where + ": broker '" + spec.broker + "': no ] after the IPv6 address");
    host = rest.substr(1, close - 1);
    const auto after = rest.substr(close + 1);
    if (!after.empty() && !after.starts_with(':'))
      throw ConfigError(where + ": broker '" + spec.broker + "': expected :PORT after ]");
    if (!after.empty()) port = after.substr(1);
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty() || host.find('/') != std::string_view::npos)
    throw ConfigError(where + ": broker '" + spec.broker + "' needs a host, and nothing after it");
  spec.host = std::string(host);
  if (port.empty()) return;
  unsigned value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (error != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
    throw ConfigError(where + ": broker '" + spec.broker + "': the port must be 1 to 65535");
  spec.port = static_cast<std::uint16_t>(value);
}

MqttBridgeSpec read_table(const toml::table& entry, const std::string& where) {
  for (const auto& [name, value] : entry) {
    if (name.str() == "password")
      throw ConfigError(where +
                        ": unknown field password: the password goes in a file of its "
                        "own, named by password_file (mode 0600)");
    if (std::find(known_fields.begin(), known_fields.end(), name.str()) == known_fields.end())
      throw ConfigError(where + ": unknown field " + std::string(name.str()) + " (" + known_list() +
                        ")");
  }
  MqttBridgeSpec spec;
  spec.broker = text_field(entry, "broker", where);
  if (spec.broker.empty())
    throw ConfigError(where + ": needs broker = \"mqtt://HOST:PORT\" (or mqtts:// for TLS)");
  read_broker(spec, where);
  spec.name = text_field(entry, "name", where);
  if (spec.name.empty()) spec.name = spec.host + ":" + std::to_string(spec.port);
  spec.ca_file = text_field(entry, "ca_file", where);
  if (!spec.ca_file.empty() && !spec.tls)
    throw ConfigError(where + ": ca_file is for an mqtts:// broker (TLS)");
  spec.client_id = text_field(entry, "client_id", where);
  if (spec.client_id.size() > 128) throw ConfigError(where + ": client_id is at most 128 bytes");
  spec.username = text_field(entry, "username", where);
  spec.password_file = text_field(entry, "password_file", where);
  if (!spec.password_file.empty() && spec.username.empty())
    throw ConfigError(where + ": password_file needs a username");
  spec.device = text_field(entry, "device", where);
  spec.exports = filters_field(entry, "export", where);
  spec.imports = filters_field(entry, "import", where);
  if (spec.exports.empty() && spec.imports.empty())
    throw ConfigError(where +
                      ": a bridge needs export or import filters (or both), such as "
                      "export = [\"home/#\"]");
  const auto payload = text_field(entry, "payload", where);
  if (payload == "fernet")
    spec.payload = MqttBridgeSpec::Payload::fernet;
  else if (!payload.empty() && payload != "json")
    throw ConfigError(where + ": payload must be \"json\" or \"fernet\", not '" + payload + "'");
  spec.qos = static_cast<int>(whole_number_field(entry, "qos", spec.qos, 0, 1, where));
  spec.queue = static_cast<std::size_t>(whole_number_field(
      entry, "queue", static_cast<std::int64_t>(spec.queue), 1, 1'000'000, where));
  spec.rate = static_cast<double>(whole_number_field(
      entry, "rate", static_cast<std::int64_t>(spec.rate), 0, 10'000'000, where));
  spec.keepalive = std::chrono::seconds(
      whole_number_field(entry, "keepalive", spec.keepalive.count(), 5, 3600, where));
  spec.retry_min = std::chrono::seconds(
      whole_number_field(entry, "retry_min", spec.retry_min.count(), 1, 3600, where));
  spec.retry_max = std::chrono::seconds(
      whole_number_field(entry, "retry_max", spec.retry_max.count(), 1, 3600, where));
  if (spec.retry_max < spec.retry_min)
    throw ConfigError(where + ": retry_max must be at least retry_min");
  return spec;
}

}  // namespace

void apply_mqtt_tables(Config& config, const toml::node& node, const std::filesystem::path& path) {
  for_each_block(node, path, "mqtt", [&](const toml::table& entry, const std::string& where) {
    auto spec = read_table(entry, where);
    for (const auto& other : config.mqtt) {
      if (other.name == spec.name)
        throw ConfigError(where + ": a second bridge named '" + spec.name +
                          "' (set name = \"...\" to tell them apart)");
      if (!spec.client_id.empty() && other.client_id == spec.client_id)
        throw ConfigError(where + ": client_id '" + spec.client_id +
                          "' is another bridge's; a broker lets one connection have it");
    }
    config.mqtt.push_back(std::move(spec));
  });
}

std::string render_mqtt_tables(const Config& config) {
  std::string text =
      "\n# Bridges to MQTT brokers, one [[mqtt]] block each (none by default): gw topics matching\n"
      "# `export` are published to the broker under the same names, and broker topics matching\n"
      "# `import` are published to gw's subscribers. payload = \"json\" carries a message's data\n"
      "# (or text); \"fernet\" the whole token. The password lives in password_file (0600).\n"
      "# [[mqtt]]\n# broker = \"mqtt://127.0.0.1:1883\"\n# export = [\"home/#\"]\n"
      "# import = [\"zigbee2mqtt/#\"]\n";
  for (const auto& spec : config.mqtt) {
    text += "\n[[mqtt]]\nname = " + toml_quoted(spec.name) +
            "\nbroker = " + toml_quoted(spec.broker) + "\n";
    if (!spec.ca_file.empty()) text += "ca_file = " + toml_quoted(spec.ca_file.string()) + "\n";
    if (!spec.client_id.empty()) text += "client_id = " + toml_quoted(spec.client_id) + "\n";
    if (!spec.username.empty()) text += "username = " + toml_quoted(spec.username) + "\n";
    if (!spec.password_file.empty())
      text += "password_file = " + toml_quoted(spec.password_file.string()) + "\n";
    if (!spec.device.empty()) text += "device = " + toml_quoted(spec.device) + "\n";
    text += "export = " + toml_quoted_list(spec.exports) +
            "\nimport = " + toml_quoted_list(spec.imports) +
            "\npayload = " + toml_quoted(MqttBridgeSpec::name_of(spec.payload)) +
            "\nqos = " + std::to_string(spec.qos) + "\nqueue = " + std::to_string(spec.queue) +
            "\nrate = " + std::to_string(static_cast<std::int64_t>(spec.rate)) +
            "\nkeepalive = " + std::to_string(spec.keepalive.count()) +
            "\nretry_min = " + std::to_string(spec.retry_min.count()) +
            "\nretry_max = " + std::to_string(spec.retry_max.count()) + "\n";
  }
  return text;
}

}  // namespace gw::gateway
