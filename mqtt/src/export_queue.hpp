#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include <gw/transports/session.hpp>

namespace gw::mqtt {

// What was delivered to a bridge's client and is not yet handed to the broker (tokens, read on
// the bridge's export thread, off the gateway's), oldest first, at most `bound` of them: past it
// the oldest goes, and is counted. Thread-safe: the gateway's threads push, the bridge's export
// thread takes.
class ExportQueue {
 public:
  explicit ExportQueue(std::size_t bound) : bound_(bound) {}

  void push(transports::Frame frame);
  // The oldest, once there is one and `ready()` says the broker can take it; nothing when
  // `wait` passes first or the queue is closed. `ready` is asked under the queue's lock, and
  // again after each wake().
  template <typename Ready>
  std::optional<transports::Frame> take(std::chrono::milliseconds wait, Ready ready);
  // Puts back what the broker could not take after all, first in line.
  void put_back(transports::Frame frame);
  // Something `ready` depends on changed.
  void wake();
  void close();

  std::size_t size() const;
  std::uint64_t dropped() const;

 private:
  const std::size_t bound_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<transports::Frame> waiting_;
  std::uint64_t dropped_ = 0;
  bool closed_ = false;
};

template <typename Ready>
std::optional<transports::Frame> ExportQueue::take(std::chrono::milliseconds wait, Ready ready) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, wait, [&] { return closed_ || (!waiting_.empty() && ready()); }))
    return std::nullopt;
  if (closed_) return std::nullopt;
  auto frame = std::move(waiting_.front());
  waiting_.pop_front();
  return frame;
}

}  // namespace gw::mqtt
