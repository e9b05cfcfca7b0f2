#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gw::gateway {

// Tasks an operator's program runs every so often (LocalThingsNetwork's periodic services):
// each on the worker pool, never two runs of one at once. A task that throws is logged; after
// `max_failures` failures in a row it is disabled, and says so in `list`. Thread-safe.
class PeriodicServices {
 public:
  using Clock = std::chrono::steady_clock;
  using Task = std::function<void()>;
  // Puts a job on the worker pool; false when the pool is full.
  using Submit = std::function<bool(std::function<void()>)>;
  static constexpr int max_failures = 3;

  // Runs `task` every `interval` (at least the gateway's tick, a few times a second), the first
  // time one interval from now. A second task of a name replaces the first.
  void every(std::string name, std::chrono::milliseconds interval, Task task);
  // Starts the tasks that are due and not running, through `submit`.
  void tick(Clock::time_point now, const Submit& submit);
  // [{name, interval_ms, runs, failures, disabled, last_error}] by name.
  nlohmann::json list() const;

 private:
  struct Entry {
    std::string name;
    std::chrono::milliseconds interval{};
    Task task;
    Clock::time_point due;
    bool running = false;
    bool disabled = false;
    std::size_t runs = 0;
    int failures_in_a_row = 0;
    std::size_t failures = 0;
    std::string last_error;
  };
  void run(const std::shared_ptr<Entry>& entry);

  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Entry>> entries_;
};

}  // namespace gw::gateway
