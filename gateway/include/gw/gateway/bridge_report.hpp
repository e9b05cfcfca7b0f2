#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace gw::gateway {

// What the gateway says of its bridges to other systems (the MQTT brokers gatewayd bridges
// to), which run beside the core and reach it as clients do: /healthz, the $gw feed and
// /metrics show them through this, and know nothing else of them. Thread-safe.
class BridgeReport {
 public:
  virtual ~BridgeReport() = default;
  // One object per bridge: its name, where it goes, its state and what it counted.
  virtual nlohmann::json status() const = 0;
  // Why a bridge is not connected, for /healthz's "degraded"; empty when every one is.
  virtual std::string problem() const = 0;
  // Its lines of /metrics, in Prometheus' text format.
  virtual std::string metrics() const = 0;
};

}  // namespace gw::gateway
