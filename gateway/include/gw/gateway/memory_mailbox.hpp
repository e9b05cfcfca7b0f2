#pragma once

#include <deque>

#include <gw/gateway/mailbox.hpp>

namespace gw::gateway {

// A mailbox in memory: what a gateway without a durable store keeps. Lost when the gateway
// stops.
class MemoryMailbox final : public Mailbox {
 public:
  MemoryMailbox(std::size_t max_messages, std::size_t max_bytes, std::size_t max_message_bytes);

  std::size_t push(Delivery delivery) override;
  Drained drain(std::size_t byte_budget) override;
  bool empty() const noexcept override { return queue_.empty(); }
  std::size_t size() const noexcept override { return queue_.size(); }
  std::size_t bytes() const noexcept override { return bytes_; }

 private:
  std::size_t max_messages_;
  std::size_t max_bytes_;
  std::size_t max_message_bytes_;
  std::deque<Delivery> queue_;
  std::size_t bytes_ = 0;
  std::uint64_t lost_ = 0;
};

}  // namespace gw::gateway
