#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gw::gateway {

// Threads for work that may block (commands marked blocking: file I/O, operators' slow
// handlers), so that no network thread ever waits. The queue is bounded: when it is full,
// submit refuses and the caller answers "busy".
class WorkerPool {
 public:
  // What gatewayd starts with unless [gateway] worker_threads says otherwise.
  static constexpr unsigned default_threads = 4;
  static constexpr std::size_t default_queue = 1024;

  WorkerPool(unsigned threads, std::size_t max_queued);
  // Runs what is queued, then joins.
  ~WorkerPool();
  // The same, sooner; later submits are refused. Idempotent.
  void stop();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  bool submit(std::function<void()> job);
  std::size_t max_queued() const noexcept { return max_queued_; }

 private:
  void work();

  const std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::jthread> threads_;
};

}  // namespace gw::gateway
