#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace gw::gateway {

// Remembers the signatures of recent UDP tokens so that each is acted on once. A broadcast
// reaches a gateway once for every broadcast address it was sent to, and a token captured on
// the LAN and sent again, perhaps from a forged address, must not make the gateway answer (or
// publish) again. Only tokens that decrypted are offered, so strangers cannot flush it.
// Bounded: beyond `capacity` tokens the oldest are forgotten early.
class ReplayFilter {
 public:
  using Clock = std::chrono::steady_clock;

  ReplayFilter(std::size_t capacity, std::chrono::seconds window)
      : capacity_(capacity), window_(window) {}

  // True the first time `token` is offered within the window, false for a repeat.
  bool first_sighting(std::string_view token, Clock::time_point now);

  std::size_t size() const;

 private:
  void forget_old(Clock::time_point now);

  std::size_t capacity_;
  std::chrono::seconds window_;
  mutable std::mutex mutex_;
  std::unordered_set<std::uint64_t> seen_;
  std::deque<std::pair<std::uint64_t, Clock::time_point>> order_;  // oldest first
};

}  // namespace gw::gateway
