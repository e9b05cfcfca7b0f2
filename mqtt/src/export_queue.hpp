#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include "broker_mapping.hpp"

namespace gw::mqtt {

// What a bridge has to export and has not yet handed to the broker, oldest first, at most
// `bound` of it: past it the oldest goes, and is counted. Thread-safe: the gateway's threads
// push, the bridge's export thread takes.
class ExportQueue {
 public:
  explicit ExportQueue(std::size_t bound) : bound_(bound) {}

  void push(ToBroker publication);
  // The oldest, once there is one and `ready()` says the broker can take it; nothing when
  // `wait` passes first or the queue is closed. `ready` is asked under the queue's lock, and
  // again after each wake().
  template <typename Ready>
  std::optional<ToBroker> take(std::chrono::milliseconds wait, Ready ready);
  // Puts back a publication the broker could not take after all, first in line.
  void put_back(ToBroker publication);
  // Something `ready` depends on changed.
  void wake();
  void close();

  std::size_t size() const;
  std::uint64_t dropped() const;

 private:
  const std::size_t bound_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<ToBroker> waiting_;
  std::uint64_t dropped_ = 0;
  bool closed_ = false;
};

template <typename Ready>
std::optional<ToBroker> ExportQueue::take(std::chrono::milliseconds wait, Ready ready) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, wait, [&] { return closed_ || (!waiting_.empty() && ready()); }))
    return std::nullopt;
  if (closed_) return std::nullopt;
  auto publication = std::move(waiting_.front());
  waiting_.pop_front();
  return publication;
}

}  // namespace gw::mqtt
