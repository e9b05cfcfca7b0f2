#pragma once

#include <cstddef>
#include <mutex>

#include <gw/gateway/rate_limits.hpp>
#include <gw/gateway/token_bucket.hpp>

namespace gw::gateway {

// How many device keys may be tried per second, every sender together, to find the key of a
// token that the keys tried first did not open. A token under no key at all costs a search
// through every device's key; without a bound, a flood of them from forged addresses would cost
// a core per few thousand datagrams. Thread-safe; taken only when a search is about to be made.
class KeySearchBudget {
 public:
  using Clock = TokenBucket::Clock;

  explicit KeySearchBudget(Rate rate) : rate_(rate) {}

  // Whether a search through `keys` keys may be made now (it is then counted).
  bool spend(std::size_t keys, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    return bucket_.take(rate_, now, static_cast<double>(keys));
  }

 private:
  const Rate rate_;
  std::mutex mutex_;
  TokenBucket bucket_{Clock::now()};
};

}  // namespace gw::gateway
