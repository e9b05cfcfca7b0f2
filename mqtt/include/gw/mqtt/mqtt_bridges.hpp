#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gw/gateway/bridge_report.hpp>
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
class MqttBridges final : public gateway::BridgeReport {
 public:
  // A bridge's own settings that come from outside its table.
  struct Start {
    gateway::MqttBridgeSpec spec;
    std::string client_id;  // empty: made from the gateway's name and id
    std::string password;   // read from spec.password_file
  };
  MqttBridges(gateway::Gateway& gateway, boost::asio::io_context& io, std::vector<Start> bridges);
  ~MqttBridges() override;

  void start();
  // Hands what waits to the brokers for up to `flush`, then disconnects.
  void stop(std::chrono::milliseconds flush = std::chrono::seconds(1));

  nlohmann::json status() const override;
  std::string problem() const override;
  std::string metrics() const override;

  // "NAME-ID8" and, for the second bridge on, "-N": unique per gateway and bridge.
  static std::string default_client_id(const std::string& gateway_name,
                                       const std::string& gateway_id, std::size_t index);

 private:
  std::vector<std::unique_ptr<MqttBridge>> bridges_;
};

}  // namespace gw::mqtt
