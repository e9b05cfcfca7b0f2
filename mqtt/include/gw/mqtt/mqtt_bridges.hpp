#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gw/gateway/bridge_report.hpp>
#include <gw/gateway/duties.hpp>
#include <gw/gateway/mqtt_bridge_spec.hpp>

namespace boost::asio {
class io_context;
}

namespace gw::gateway {
class Gateway;
}

namespace gw::mqtt {

class MqttBridge;

// The [[mqtt]] bridges of a gateway, and what /healthz, the $gw feed and /metrics say of them.
// gatewayd starts them once the gateway serves and stops them after its network threads.
//
// In a cluster, each bridge is a duty (gateway::Duties) named by the bridge's name: of the
// gateways with a bridge of that name, one runs it and the others stand by (state `standby`)
// until it stops or dies, so that the broker's messages come in once and the cluster's go out
// once. A lone gateway runs every bridge.
class MqttBridges final : public gateway::BridgeReport {
 public:
  // A bridge's own settings that come from outside its table.
  struct Start {
    gateway::MqttBridgeSpec spec;
    std::string client_id;  // empty: made from the gateway's name and id
    std::string password;   // read from spec.password_file
  };
  // `duties`: the cluster's, or null for a lone gateway.
  MqttBridges(gateway::Gateway& gateway, boost::asio::io_context& io, std::vector<Start> bridges,
              std::shared_ptr<gateway::Duties> duties = nullptr);
  ~MqttBridges() override;

  void start();
  // Hands what waits to the brokers for up to `flush`, then disconnects; in a cluster, then
  // gives the bridges to other gateways at once.
  void stop(std::chrono::milliseconds flush = std::chrono::seconds(1));

  nlohmann::json status() const override;
  std::string problem() const override;
  std::string metrics() const override;

  // "NAME-ID8" and, for the second bridge on, "-N": unique per gateway and bridge.
  static std::string default_client_id(const std::string& gateway_name,
                                       const std::string& gateway_id, std::size_t index);
  // The duty of the bridge named `name`, the same on every gateway of a cluster.
  static std::string duty_of(const std::string& name) { return "the MQTT bridge '" + name + "'"; }

 private:
  struct Slot;
  // The slot's bridge, not started; throws std::runtime_error when it cannot be made.
  std::unique_ptr<MqttBridge> make_bridge(const Slot& slot);
  // Runs the bridge here (its turn), or stops it here (another gateway's turn).
  void run(Slot& slot);
  void stand_by(Slot& slot);

  gateway::Gateway& gateway_;
  boost::asio::io_context& io_;
  const std::shared_ptr<gateway::Duties> duties_;
  // Turns are taken one at a time, and not while stopping. Taken before mutex_, and never
  // while waiting for the cluster (withdraw): the cluster's thread takes it inside a round.
  std::mutex turn_mutex_;
  bool stopped_ = false;                      // under turn_mutex_
  mutable std::mutex mutex_;                  // what status() reads: each slot's bridge and counts
  std::vector<std::unique_ptr<Slot>> slots_;  // fixed at construction
  // Bridges that could not leave the gateway's threads in time (under turn_mutex_).
  std::vector<std::unique_ptr<MqttBridge>> retired_;
};

}  // namespace gw::mqtt
