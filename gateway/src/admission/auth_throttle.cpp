#include "auth_throttle.hpp"

#include <algorithm>

namespace gw::gateway {

AuthThrottle::Clock::duration AuthThrottle::wait(const std::string& address,
                                                 Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  const auto found = records_.find(address);
  if (found == records_.end() || found->second.next_try <= now) return Clock::duration::zero();
  return found->second.next_try - now;
}

void AuthThrottle::failed(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (records_.size() >= max_addresses && !records_.contains(address)) {
    // Forget the address that failed longest ago.
    const auto oldest = std::min_element(records_.begin(), records_.end(), [](auto& a, auto& b) {
      return a.second.last_failure < b.second.last_failure;
    });
    records_.erase(oldest);
  }
  auto& record = records_[address];
  ++record.failures;
  record.last_failure = now;
  if (record.failures <= free_failures) return;
  const auto doublings = std::min(record.failures - free_failures - 1, 6u);
  const auto delay = std::min<Clock::duration>(std::chrono::seconds(1 << doublings), longest_wait);
  record.next_try = now + delay;
}

void AuthThrottle::succeeded(const std::string& address) {
  std::lock_guard lock(mutex_);
  records_.erase(address);
}

}  // namespace gw::gateway
