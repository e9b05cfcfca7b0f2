#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace gw::transports {

// Logs refused connections at a bounded rate: the first refusal of a quiet spell at once, the
// rest as one summary line per interval, so that a flood of connections cannot flood the log.
// flush(), called by the listener's timer, writes the last summary once a flood has ended.
// Thread-safe.
class RefusalLog {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds default_interval{10};

  // `what` names the listener in every line ("http").
  explicit RefusalLog(std::string what, Clock::duration interval = default_interval);

  Clock::duration interval() const noexcept { return interval_; }

  // `why` is the limit ("at the limit of 1024 connections").
  void refused(std::string_view host, std::string_view why, Clock::time_point now = Clock::now());
  // Writes the summary of refusals not logged yet, once an interval has passed since the last
  // line.
  void flush(Clock::time_point now = Clock::now());

 private:
  void write_summary_locked();

  const std::string what_;
  const Clock::duration interval_;
  std::mutex mutex_;
  Clock::time_point last_line_{};
  std::uint64_t unlogged_ = 0;
  std::string last_host_;
  std::string last_why_;
};

}  // namespace gw::transports
