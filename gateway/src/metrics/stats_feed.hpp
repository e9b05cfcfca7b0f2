#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include <gw/gateway/bridge_report.hpp>
#include <gw/gateway/codec_slot.hpp>
#include <gw/gateway/feed_options.hpp>
#include <gw/gateway/local_router.hpp>
#include <gw/gateway/metrics.hpp>
#include <gw/gateway/server_info.hpp>
#include <gw/transports/transport_stats.hpp>

namespace gw::gateway {

class Hub;
class TopicActivity;

// The feed (FeedOptions): each tick, for each of its topics that someone subscribes to here,
// a message with what the gateway is doing, published to this gateway's subscribers only (in
// a cluster each gateway's dashboard shows that gateway):
//   $gw/stats   traffic per transport, deliveries and refusals, per second and in all; clients
//               by transport; the store and the cluster
//   $gw/topics  the topics published to lately, with their rates and last messages
//   $gw/clients the clients, with round trips, messages in and out, idle time
// (each list {"total", and as many as fit in one token}).
// With nobody subscribed a tick reads three subscriber lists and publishes nothing, and topic
// activity is not kept at all. Ticks come from one thread at a time (the periodic services).
class StatsFeed {
 public:
  struct Parts {
    Hub& hub;
    Metrics& metrics;
    const transports::TransportStatsBoard& transports;
    const ServerInfo& server;
    CodecSlot& codec;
    TopicActivity& activity;
    const std::shared_ptr<const BridgeReport>& bridges;  // set later, before serving
  };
  explicit StatsFeed(Parts parts) : parts_(parts), local_(parts.hub, parts.metrics) {}

  void tick();
  // Messages the feed has published, for /metrics and the tests of its silence.
  std::uint64_t published() const noexcept { return published_.load(std::memory_order_relaxed); }

  static constexpr const char* stats_topic = "$gw/stats";
  static constexpr const char* topics_topic = "$gw/topics";
  static constexpr const char* clients_topic = "$gw/clients";

 private:
  using Clock = std::chrono::steady_clock;
  // The counters a rate is worked out from: each tick's, kept for the next.
  struct Totals {
    std::array<std::uint64_t, std::size(transports::all_transport_kinds)> in{};
    std::array<std::uint64_t, std::size(transports::all_transport_kinds)> out{};
    std::uint64_t deliveries = 0;
    Metrics::Refusals refusals;
  };
  Totals totals() const;
  // How many bytes of JSON a list may take in one feed message.
  std::size_t list_budget() const;
  nlohmann::json stats(const Totals& now, double seconds) const;
  void publish(const char* topic, nlohmann::json data);

  Parts parts_;
  LocalRouter local_;  // this gateway's subscribers only
  Totals last_{};
  Clock::time_point last_tick_{};
  std::atomic<std::uint64_t> published_{0};
};

}  // namespace gw::gateway
