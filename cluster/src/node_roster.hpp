#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gw::cluster {

// The other gateways of the cluster, as their heartbeats tell: each is alive while it was heard
// within `lifetime` (a few heartbeats); one killed drops out by itself. Thread-safe.
class NodeRoster {
 public:
  using Clock = std::chrono::steady_clock;
  NodeRoster(std::string self, Clock::duration lifetime)
      : self_(std::move(self)), lifetime_(lifetime) {}

  // A heartbeat of `node`, saying where it is (`info`: node, server, endpoints).
  void heard(const std::string& node, nlohmann::json info, Clock::time_point now);
  bool alive(const std::string& node, Clock::time_point now) const;
  // The other gateways alive now, by name.
  std::vector<std::string> others(Clock::time_point now) const;
  // This gateway (`own`) first, then the others alive, as the handshake lists them.
  nlohmann::json nodes(const nlohmann::json& own, Clock::time_point now) const;
  Clock::duration lifetime() const noexcept { return lifetime_; }

 private:
  struct Heard {
    nlohmann::json info;
    Clock::time_point last;
  };
  const std::string self_;
  const Clock::duration lifetime_;
  mutable std::mutex mutex_;
  std::map<std::string, Heard> nodes_;
};

}  // namespace gw::cluster
