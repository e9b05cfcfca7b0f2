#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include <gw/transports/session.hpp>

namespace gw::transports {

// Counters of one kind of session for the metrics page. Relaxed atomics: each is a tally read by
// a scrape, never used to order anything.
struct TransportStats {
  using Counter = std::atomic<std::uint64_t>;

  Counter frames_in{0};
  Counter frames_out{0};
  Counter bytes_in{0};  // token bytes, without framing
  Counter bytes_out{0};
  Counter sessions_opened{0};
  std::atomic<std::int64_t> sessions_open{0};  // connections now (HTTP, WebSocket, TCP)
  Counter too_large{0};                        // messages over the size limit
  Counter timeouts{0};                         // connections closed by a read or idle timeout
  Counter slow_consumers{0};       // connections cut off because their write queue overflowed
  Counter refused{0};              // connections refused at the listener's connection limit
  Counter refused_per_address{0};  // connections refused at the per-address limit
  Counter admission_timeouts{0};   // connections closed for saying nothing valid in time
  Counter dropped{0};              // UDP replies that could not be sent

  static void add(Counter& counter, std::uint64_t n = 1) noexcept {
    counter.fetch_add(n, std::memory_order_relaxed);
  }
  static std::uint64_t read(const Counter& counter) noexcept {
    return counter.load(std::memory_order_relaxed);
  }
};

// The counters of every kind of session, owned by the gateway and shared by its transports (a
// WebSocket upgraded on the HTTP port counts as WebSocket).
class TransportStatsBoard {
 public:
  TransportStats& operator[](TransportKind kind) noexcept {
    return by_kind_[static_cast<std::size_t>(kind)];
  }
  const TransportStats& operator[](TransportKind kind) const noexcept {
    return by_kind_[static_cast<std::size_t>(kind)];
  }

 private:
  std::array<TransportStats, std::size(all_transport_kinds)> by_kind_;
};

}  // namespace gw::transports
