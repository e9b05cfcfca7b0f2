#pragma once

#include <atomic>
#include <cstdint>

namespace gw::cluster {

// What the cluster counts, for /metrics.
struct ClusterCounters {
  std::atomic<std::uint64_t> sent{0};               // messages published for other gateways
  std::atomic<std::uint64_t> received{0};           // messages from other gateways delivered here
  std::atomic<std::uint64_t> refused{0};            // from NATS but not under the key, or replayed
  std::atomic<std::uint64_t> unavailable{0};        // deliveries answered 503 cluster unavailable
  std::atomic<std::uint64_t> shared_admissions{0};  // token stamps heard from other gateways
};

}  // namespace gw::cluster
