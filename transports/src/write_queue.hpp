#pragma once

#include <cstddef>
#include <utility>

#include <gw/transports/ring_queue.hpp>
#include <gw/transports/session.hpp>

namespace gw::transports {

// The bound on what waits to be written on one connection: a frame is refused when it would
// take `waiting` bytes past `limit`, but a single frame larger than the limit is still taken when
// nothing else waits (a message at the size limit must go out).
inline bool over_write_bound(std::size_t waiting, std::size_t frame, std::size_t limit) noexcept {
  return waiting > 0 && waiting + frame > limit;
}

// Frames waiting to be written on one connection, bounded in bytes. The frames are shared
// with every other recipient, so the bound counts what this client holds up, not copies.
class WriteQueue {
 public:
  explicit WriteQueue(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // False, and nothing queued, when the frame would take the queue over its bound. A single
  // frame larger than the bound is still taken when nothing else waits.
  bool push(Frame frame) {
    if (over_write_bound(bytes_, frame->size(), max_bytes_)) return false;
    bytes_ += frame->size();
    frames_.push_back(std::move(frame));
    return true;
  }
  const Frame& front() const { return frames_.front(); }
  void pop() {
    bytes_ -= frames_.front()->size();
    frames_.pop_front();
  }
  bool empty() const noexcept { return frames_.empty(); }
  std::size_t bytes() const noexcept { return bytes_; }
  std::size_t size() const noexcept { return frames_.size(); }

 private:
  RingQueue<Frame> frames_;
  std::size_t bytes_ = 0;
  std::size_t max_bytes_;
};

}  // namespace gw::transports
