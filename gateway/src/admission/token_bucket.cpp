#include <algorithm>

#include <gw/gateway/token_bucket.hpp>

namespace gw::gateway {

void TokenBucket::refill(const Rate& rate, Clock::time_point now) {
  if (tokens_ < 0) {
    tokens_ = rate.burst;
  } else if (now > updated_) {
    const std::chrono::duration<double> elapsed = now - updated_;
    tokens_ = std::min(rate.burst, tokens_ + elapsed.count() * rate.per_second);
  }
  updated_ = std::max(updated_, now);
}

bool TokenBucket::take(const Rate& rate, Clock::time_point now, double count) {
  if (rate.per_second <= 0) return true;
  refill(rate, now);
  if (tokens_ < count) return false;
  tokens_ -= count;
  return true;
}

bool TokenBucket::has_token(const Rate& rate, Clock::time_point now) {
  if (rate.per_second <= 0) return true;
  refill(rate, now);
  return tokens_ >= 1;
}

bool TokenBucket::full(const Rate& rate, Clock::time_point now) {
  if (rate.per_second <= 0) return true;
  refill(rate, now);
  return tokens_ >= rate.burst;
}

}  // namespace gw::gateway
