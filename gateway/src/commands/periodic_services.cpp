#include <algorithm>
#include <exception>

#include <spdlog/spdlog.h>

#include <gw/gateway/periodic_services.hpp>

namespace gw::gateway {

void PeriodicServices::every(std::string name, std::chrono::milliseconds interval, Task task) {
  auto entry = std::make_shared<Entry>();
  entry->name = std::move(name);
  entry->interval = std::max(interval, std::chrono::milliseconds(1));
  entry->task = std::move(task);
  entry->due = Clock::now() + entry->interval;
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [&](const auto& old) { return old->name == entry->name; });
  entries_.push_back(std::move(entry));
}

void PeriodicServices::tick(Clock::time_point now, const Submit& submit) {
  std::vector<std::shared_ptr<Entry>> due;
  {
    std::lock_guard lock(mutex_);
    for (const auto& entry : entries_) {
      if (entry->disabled || entry->running || entry->due > now) continue;
      entry->running = true;
      // From now, not from when it was due: a late or slow run does not make a burst of runs.
      entry->due = now + entry->interval;
      due.push_back(entry);
    }
  }
  for (const auto& entry : due) {
    if (submit([this, entry] { run(entry); })) continue;
    std::lock_guard lock(mutex_);
    entry->running = false;  // the pool is full: due again at the next tick
    entry->due = now;
  }
}

void PeriodicServices::run(const std::shared_ptr<Entry>& entry) {
  std::string error;
  try {
    entry->task();
  } catch (const std::exception& failure) {
    error = failure.what();
  } catch (...) {
    error = "an exception that is not a std::exception";
  }
  std::lock_guard lock(mutex_);
  entry->running = false;
  ++entry->runs;
  if (error.empty()) {
    entry->failures_in_a_row = 0;
    return;
  }
  ++entry->failures;
  entry->last_error = error;
  if (++entry->failures_in_a_row < max_failures) {
    spdlog::warn("periodic service '{}' failed ({} in a row): {}", entry->name,
                 entry->failures_in_a_row, error);
    return;
  }
  entry->disabled = true;
  spdlog::error("periodic service '{}' disabled after {} failures in a row; the last: {}",
                entry->name, max_failures, error);
}

nlohmann::json PeriodicServices::list() const {
  std::lock_guard lock(mutex_);
  auto entries = entries_;
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a->name < b->name; });
  auto list = nlohmann::json::array();
  for (const auto& entry : entries)
    list.push_back({{"name", entry->name},
                    {"interval_ms", entry->interval.count()},
                    {"runs", entry->runs},
                    {"failures", entry->failures},
                    {"disabled", entry->disabled},
                    {"last_error", entry->last_error}});
  return list;
}

}  // namespace gw::gateway
