#pragma once

#include <chrono>

#include <gw/gateway/rate_limits.hpp>

namespace gw::gateway {

// The classic token bucket: holds up to `burst` tokens, refills at `per_second`, and each
// message takes one. Not thread-safe: its owner (a Client, AddressRates) holds a lock.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  explicit TokenBucket(Clock::time_point now) : updated_(now) {}

  // Takes `count` tokens if there are that many. An unlimited rate always has them.
  bool take(const Rate& rate, Clock::time_point now, double count = 1);
  // Whether take() would succeed, without taking.
  bool has_token(const Rate& rate, Clock::time_point now);
  // Whether the bucket is full again, so that forgetting it loses nothing.
  bool full(const Rate& rate, Clock::time_point now);

 private:
  void refill(const Rate& rate, Clock::time_point now);

  double tokens_ = -1;  // negative: not yet filled (the burst is known only at the first use)
  Clock::time_point updated_;
};

}  // namespace gw::gateway
