#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace gw::gateway {

// Slows down guessing of the admin key: after a few wrong keys from one address, that address
// must wait before its next try, twice as long after each further failure (up to a minute).
// Remembers a bounded number of addresses. Thread-safe.
class AuthThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr unsigned free_failures = 3;
  static constexpr std::chrono::seconds longest_wait{60};
  static constexpr std::size_t max_addresses = 4096;

  // How long `address` must still wait before it may try again; zero when it may now.
  Clock::duration wait(const std::string& address, Clock::time_point now) const;
  void failed(const std::string& address, Clock::time_point now);
  void succeeded(const std::string& address);

 private:
  struct Record {
    unsigned failures = 0;
    Clock::time_point last_failure;
    Clock::time_point next_try;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Record> records_;
};

}  // namespace gw::gateway
