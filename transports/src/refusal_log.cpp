#include "refusal_log.hpp"

#include <spdlog/spdlog.h>

namespace gw::transports {

void RefusalLog::refused(std::string_view what, std::string_view host, std::string_view why) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (now - last_line_ < interval) {
    ++unlogged_;
    last_host_ = host;
    last_why_ = why;
    return;
  }
  if (unlogged_ > 0)
    spdlog::warn("{}: refused {} more connections in the last {} s (the last from {}: {})", what,
                 unlogged_, interval.count(), last_host_, last_why_);
  spdlog::warn("{}: refused {}: {} (further refusals are summed up every {} s)", what, host, why,
               interval.count());
  unlogged_ = 0;
  last_line_ = now;
}

}  // namespace gw::transports
