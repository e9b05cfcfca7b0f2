#include <gw/gateway/gateway.hpp>
#include <gw/mqtt/mqtt_bridges.hpp>

#include "mqtt_bridge.hpp"

namespace gw::mqtt {

MqttBridges::MqttBridges(gateway::Gateway& gateway, boost::asio::io_context& io,
                         std::vector<Start> bridges) {
  const auto& server = gateway.server();
  for (std::size_t i = 0; i < bridges.size(); ++i) {
    auto& start = bridges[i];
    auto client_id = start.spec.client_id.empty() ? default_client_id(server.name, server.id, i)
                                                  : start.spec.client_id;
    bridges_.push_back(std::make_unique<MqttBridge>(
        std::move(start.spec), MqttBridge::Parts{.gateway = gateway,
                                                 .io = io,
                                                 .client_id = std::move(client_id),
                                                 .password = std::move(start.password)}));
  }
}

MqttBridges::~MqttBridges() {
  stop(std::chrono::milliseconds(0));
}

std::string MqttBridges::default_client_id(const std::string& gateway_name,
                                           const std::string& gateway_id, std::size_t index) {
  auto id = gateway_name + "-" + gateway_id.substr(0, 8);
  if (index > 0) id += "-" + std::to_string(index + 1);
  return id;
}

void MqttBridges::start() {
  for (auto& bridge : bridges_)
    bridge->start();
}

void MqttBridges::stop(std::chrono::milliseconds flush) {
  for (auto& bridge : bridges_)
    bridge->stop(flush);
}

nlohmann::json MqttBridges::status() const {
  auto list = nlohmann::json::array();
  for (const auto& bridge : bridges_)
    list.push_back(bridge->status());
  return list;
}

std::string MqttBridges::problem() const {
  std::string problems;
  for (const auto& bridge : bridges_)
    if (auto problem = bridge->problem(); !problem.empty())
      problems += (problems.empty() ? "" : "; ") + bridge->spec().name + ": " + problem;
  return problems;
}

namespace {

struct Family {
  const char* name;
  const char* type;
  const char* help;
  std::uint64_t (*value)(const MqttBridge::Counts&);
};

constexpr Family families[] = {
    {"gw_mqtt_connected", "gauge", "Whether a bridge is connected to its broker.",
     [](const MqttBridge::Counts& c) -> std::uint64_t { return c.connected ? 1 : 0; }},
    {"gw_mqtt_export_queue", "gauge", "Messages waiting for a bridge's broker.",
     [](const MqttBridge::Counts& c) -> std::uint64_t { return c.export_queue; }},
    {"gw_mqtt_exported_total", "counter",
     "Messages a bridge handed to its broker, acknowledged (QoS 1) or written (QoS 0).",
     [](const MqttBridge::Counts& c) { return c.exported; }},
    {"gw_mqtt_imported_total", "counter", "Messages from a bridge's broker handed to the gateway.",
     [](const MqttBridge::Counts& c) { return c.imported; }},
    {"gw_mqtt_export_dropped_total", "counter",
     "Messages to export dropped because the bridge's queue was full (the broker away or slow).",
     [](const MqttBridge::Counts& c) { return c.export_dropped; }},
    {"gw_mqtt_export_skipped_total", "counter",
     "Messages to export the broker would not take (libmosquitto refused them).",
     [](const MqttBridge::Counts& c) { return c.export_skipped; }},
    {"gw_mqtt_import_skipped_total", "counter",
     "Messages from the broker gw cannot carry (their topic, or a payload that is not what "
     "the bridge's payload setting expects).",
     [](const MqttBridge::Counts& c) { return c.import_skipped; }},
    {"gw_mqtt_import_refused_total", "counter",
     "Imported messages the gateway refused (the bridge's permissions, a full store).",
     [](const MqttBridge::Counts& c) { return c.import_refused; }},
    {"gw_mqtt_echoes_skipped_total", "counter",
     "Publications not exported because they came in from MQTT (no loops).",
     [](const MqttBridge::Counts& c) { return c.echoes_skipped; }},
    {"gw_mqtt_connects_total", "counter", "Connections a bridge made to its broker.",
     [](const MqttBridge::Counts& c) { return c.connects; }},
};

std::string label_of(const MqttBridge& bridge) {
  // A bridge's name comes from the config file: quotes and backslashes are escaped.
  std::string name;
  for (const char c : bridge.spec().name) {
    if (c == '"' || c == '\\') name += '\\';
    if (c == '\n') {
      name += "\\n";
      continue;
    }
    name += c;
  }
  return "{bridge=\"" + name + "\"}";
}

}  // namespace

std::string MqttBridges::metrics() const {
  if (bridges_.empty()) return {};
  std::vector<std::pair<std::string, MqttBridge::Counts>> counted;
  for (const auto& bridge : bridges_)
    counted.emplace_back(label_of(*bridge), bridge->counts());
  std::string text;
  for (const auto& family : families) {
    text += std::string("# HELP ") + family.name + " " + family.help + "\n# TYPE " + family.name +
            " " + family.type + "\n";
    for (const auto& [label, counts] : counted)
      text += family.name + label + " " + std::to_string(family.value(counts)) + "\n";
  }
  return text;
}

}  // namespace gw::mqtt
