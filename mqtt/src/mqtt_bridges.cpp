#include <spdlog/spdlog.h>

#include <gw/gateway/gateway.hpp>
#include <gw/mqtt/mqtt_bridges.hpp>

#include "mqtt_bridge.hpp"

namespace gw::mqtt {

namespace {

// How long a bridge another gateway has taken over is given to hand what waits to the broker.
constexpr auto handover_flush = std::chrono::milliseconds(500);

// What bridges that ran here before counted, and the one running now: its counters go on from
// theirs, its gauges are its own.
MqttBridge::Counts added(const MqttBridge::Counts& earlier, const MqttBridge::Counts& now) {
  auto sum = now;
  sum.exported += earlier.exported;
  sum.imported += earlier.imported;
  sum.export_dropped += earlier.export_dropped;
  sum.export_skipped += earlier.export_skipped;
  sum.import_skipped += earlier.import_skipped;
  sum.import_refused += earlier.import_refused;
  sum.echoes_skipped += earlier.echoes_skipped;
  sum.connects += earlier.connects;
  return sum;
}

}  // namespace

struct MqttBridges::Slot {
  gateway::MqttBridgeSpec spec;
  std::string client_id;
  std::string password;
  // Changed under both locks. Made at construction, so that what the bridge cannot use stops
  // the start; made again for a later turn after another gateway's.
  std::unique_ptr<MqttBridge> bridge;
  bool running = false;
  MqttBridge::Counts earlier{};  // of the bridges that ran here before
  std::string problem;           // why it cannot run here, when it cannot
  std::string runs_on;           // in a cluster: the node of the gateway running it

  MqttBridge::Counts counts() const {
    if (running) return added(earlier, bridge->counts());
    auto standing = earlier;
    standing.export_queue = 0;
    standing.connected = false;
    return standing;
  }
  std::string state() const { return running ? bridge->state() : "standby"; }
  std::string current_problem() const { return running ? bridge->problem() : problem; }
};

MqttBridges::MqttBridges(gateway::Gateway& gateway, boost::asio::io_context& io,
                         std::vector<Start> bridges, std::shared_ptr<gateway::Duties> duties)
    : gateway_(gateway), io_(io), duties_(std::move(duties)) {
  const auto& server = gateway.server();
  for (std::size_t i = 0; i < bridges.size(); ++i) {
    auto slot = std::make_unique<Slot>();
    auto& start = bridges[i];
    slot->client_id = start.spec.client_id.empty() ? default_client_id(server.name, server.id, i)
                                                   : start.spec.client_id;
    slot->spec = std::move(start.spec);
    slot->password = std::move(start.password);
    slot->bridge = make_bridge(*slot);
    slots_.push_back(std::move(slot));
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
  for (auto& slot : slots_) {
    if (!duties_) {
      run(*slot);
      continue;
    }
    spdlog::info("mqtt bridge '{}': standing by until it is this gateway's turn in the cluster",
                 slot->spec.name);
    duties_->volunteer(duty_of(slot->spec.name),
                       [this, slot = slot.get()](const std::string& holder, bool held) {
                         {
                           std::lock_guard lock(mutex_);
                           slot->runs_on = holder;
                         }
                         held ? run(*slot) : stand_by(*slot);
                       });
  }
}

std::unique_ptr<MqttBridge> MqttBridges::make_bridge(const Slot& slot) {
  return std::make_unique<MqttBridge>(
      slot.spec,
      MqttBridge::Parts{
          .gateway = gateway_, .io = io_, .client_id = slot.client_id, .password = slot.password});
}

void MqttBridges::run(Slot& slot) {
  std::lock_guard turn(turn_mutex_);
  if (stopped_ || slot.running) return;
  std::unique_ptr<MqttBridge> made;
  if (!slot.bridge) {
    try {
      made = make_bridge(slot);
    } catch (const std::runtime_error& error) {
      spdlog::error("mqtt bridge '{}': cannot start: {}", slot.spec.name, error.what());
      std::lock_guard lock(mutex_);
      slot.problem = std::string("cannot start: ") + error.what();
      return;
    }
  }
  {
    std::lock_guard lock(mutex_);
    if (made) slot.bridge = std::move(made);
    slot.problem.clear();
  }
  slot.bridge->start();
  std::lock_guard lock(mutex_);
  slot.running = true;
}

void MqttBridges::stand_by(Slot& slot) {
  std::lock_guard turn(turn_mutex_);
  if (stopped_ || !slot.running) return;
  spdlog::info("mqtt bridge '{}': another gateway of the cluster runs it now; standing by",
               slot.spec.name);
  slot.bridge->stop(handover_flush);
  const bool left = slot.bridge->leave_gateway();
  std::unique_ptr<MqttBridge> gone;
  {
    std::lock_guard lock(mutex_);
    slot.earlier = added(slot.earlier, slot.bridge->counts());
    slot.running = false;
    gone = std::move(slot.bridge);
  }
  // What it posted to the gateway's threads is still to run: it goes once they have stopped.
  if (!left) retired_.push_back(std::move(gone));
}

void MqttBridges::stop(std::chrono::milliseconds flush) {
  {
    std::lock_guard turn(turn_mutex_);
    if (stopped_) return;
    stopped_ = true;
    for (auto& slot : slots_)
      if (slot->running) slot->bridge->stop(flush);
  }
  // Only now, and not under the turn's lock: a round of the cluster's may be waiting for it.
  if (duties_)
    for (auto& slot : slots_)
      duties_->withdraw(duty_of(slot->spec.name));
}

nlohmann::json MqttBridges::status() const {
  std::lock_guard lock(mutex_);
  auto list = nlohmann::json::array();
  for (const auto& slot : slots_) {
    const auto counted = slot->counts();
    const auto problem = slot->current_problem();
    list.push_back(
        {{"name", slot->spec.name},
         {"broker", slot->spec.broker},
         {"client_id", slot->client_id},
         {"state", slot->state()},
         {"runs_on", slot->runs_on.empty() ? nlohmann::json() : nlohmann::json(slot->runs_on)},
         {"problem", problem.empty() ? nlohmann::json() : nlohmann::json(problem)},
         {"export", slot->spec.exports},
         {"import", slot->spec.imports},
         {"payload", gateway::MqttBridgeSpec::name_of(slot->spec.payload)},
         {"qos", slot->spec.qos},
         {"exported", counted.exported},
         {"imported", counted.imported},
         {"export_queue", counted.export_queue},
         {"export_dropped", counted.export_dropped},
         {"export_skipped", counted.export_skipped},
         {"import_skipped", counted.import_skipped},
         {"import_refused", counted.import_refused},
         {"echoes_skipped", counted.echoes_skipped},
         {"connects", counted.connects}});
  }
  return list;
}

std::string MqttBridges::problem() const {
  std::lock_guard lock(mutex_);
  std::string problems;
  for (const auto& slot : slots_)
    if (auto problem = slot->current_problem(); !problem.empty())
      problems += (problems.empty() ? "" : "; ") + slot->spec.name + ": " + problem;
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

std::string label_of(const std::string& bridge_name) {
  // A bridge's name comes from the config file: quotes and backslashes are escaped.
  std::string name;
  for (const char c : bridge_name) {
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
  if (slots_.empty()) return {};
  std::vector<std::pair<std::string, MqttBridge::Counts>> counted;
  {
    std::lock_guard lock(mutex_);
    for (const auto& slot : slots_)
      counted.emplace_back(label_of(slot->spec.name), slot->counts());
  }
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
