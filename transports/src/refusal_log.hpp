#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace gw::transports {

// Logs refused connections at a bounded rate: the first refusal of a quiet spell at once, the
// rest as one summary line per interval, so that a flood of connections cannot flood the log.
// Thread-safe.
class RefusalLog {
 public:
  static constexpr std::chrono::seconds interval{10};

  // `what` is the listener ("http"), `why` the limit ("at the limit of 1024 connections").
  void refused(std::string_view what, std::string_view host, std::string_view why);

 private:
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_line_{};
  std::uint64_t unlogged_ = 0;
  std::string last_host_;
  std::string last_why_;
};

}  // namespace gw::transports
