#include <gw/gateway/memory_mailbox.hpp>

namespace gw::gateway {

MemoryMailbox::MemoryMailbox(std::size_t max_messages, std::size_t max_bytes,
                             std::size_t max_message_bytes)
    : max_messages_(max_messages), max_bytes_(max_bytes), max_message_bytes_(max_message_bytes) {}

std::size_t MemoryMailbox::push(Delivery delivery) {
  const auto size = delivery.frame->size();
  if (size > max_bytes_ || size > max_message_bytes_ || max_messages_ == 0) {
    ++lost_;
    return 1;
  }
  std::size_t dropped = 0;
  while (!queue_.empty() && (queue_.size() >= max_messages_ || bytes_ + size > max_bytes_)) {
    bytes_ -= queue_.front().frame->size();
    queue_.pop_front();
    ++dropped;
  }
  bytes_ += size;
  queue_.push_back(std::move(delivery));
  lost_ += dropped;
  return dropped;
}

Mailbox::Drained MemoryMailbox::drain(std::size_t byte_budget) {
  Drained drained;
  std::size_t taken_bytes = 0;
  while (!queue_.empty()) {
    const auto size = queue_.front().frame->size();
    if (!drained.deliveries.empty() && taken_bytes + size > byte_budget) break;
    taken_bytes += size;
    bytes_ -= size;
    drained.deliveries.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  drained.lost = lost_;
  drained.left = queue_.size();
  lost_ = 0;
  return drained;
}

}  // namespace gw::gateway
