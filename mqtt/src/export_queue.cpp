#include "export_queue.hpp"

namespace gw::mqtt {

void ExportQueue::push(transports::Frame frame) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    if (waiting_.size() >= bound_) {
      waiting_.pop_front();
      ++dropped_;
    }
    waiting_.push_back(std::move(frame));
  }
  changed_.notify_one();
}

void ExportQueue::put_back(transports::Frame frame) {
  std::lock_guard lock(mutex_);
  if (waiting_.size() >= bound_) {
    waiting_.pop_back();  // the newest goes: the one put back is older than every other
    ++dropped_;
  }
  waiting_.push_front(std::move(frame));
}

void ExportQueue::wake() {
  { std::lock_guard lock(mutex_); }  // a waiter between its check and its wait sees the change
  changed_.notify_all();
}

void ExportQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

std::size_t ExportQueue::size() const {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

std::uint64_t ExportQueue::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace gw::mqtt
