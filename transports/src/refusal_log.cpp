#include "refusal_log.hpp"

#include <spdlog/spdlog.h>

namespace gw::transports {

namespace {
long long whole_seconds(RefusalLog::Clock::duration interval) {
  return std::chrono::duration_cast<std::chrono::seconds>(interval).count();
}
}  // namespace

RefusalLog::RefusalLog(std::string what, Clock::duration interval)
    : what_(std::move(what)), interval_(interval) {}

void RefusalLog::refused(std::string_view host, std::string_view why, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (now - last_line_ < interval_) {
    ++unlogged_;
    last_host_ = host;
    last_why_ = why;
    return;
  }
  write_summary_locked();
  spdlog::warn("{}: refused {}: {} (further refusals are summed up every {} s)", what_, host, why,
               whole_seconds(interval_));
  last_line_ = now;
}

void RefusalLog::flush(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (unlogged_ == 0 || now - last_line_ < interval_) return;
  write_summary_locked();
  last_line_ = now;
}

void RefusalLog::write_summary_locked() {
  if (unlogged_ == 0) return;
  spdlog::warn("{}: refused {} more connections in the last {} s (the last from {}: {})", what_,
               unlogged_, whole_seconds(interval_), last_host_, last_why_);
  unlogged_ = 0;
}

}  // namespace gw::transports
