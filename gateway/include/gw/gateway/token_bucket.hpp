#pragma once

#include <chrono>
#include <mutex>

#include <gw/gateway/rate_limits.hpp>

namespace gw::gateway {

// The classic token bucket: holds up to `burst` tokens, refills at `per_second`, and each
// message takes one. Not thread-safe: see LockedTokenBucket.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  explicit TokenBucket(Clock::time_point now) : updated_(now) {}

  // Takes one token if there is one. An unlimited rate always has one.
  bool take(const Rate& rate, Clock::time_point now);
  // Whether take() would succeed, without taking.
  bool has_token(const Rate& rate, Clock::time_point now);
  // Whether the bucket is full again, so that forgetting it loses nothing.
  bool full(const Rate& rate, Clock::time_point now);

 private:
  void refill(const Rate& rate, Clock::time_point now);

  double tokens_ = -1;  // negative: not yet filled (the burst is known only at the first use)
  Clock::time_point updated_;
};

// A TokenBucket that several network threads may use.
class LockedTokenBucket {
 public:
  explicit LockedTokenBucket(TokenBucket::Clock::time_point now) : bucket_(now) {}

  bool take(const Rate& rate, TokenBucket::Clock::time_point now) {
    std::lock_guard lock(mutex_);
    return bucket_.take(rate, now);
  }

 private:
  std::mutex mutex_;
  TokenBucket bucket_;
};

}  // namespace gw::gateway
