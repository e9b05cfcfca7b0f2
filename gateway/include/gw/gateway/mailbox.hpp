#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include <gw/gateway/delivery.hpp>

namespace gw::gateway {

// Messages waiting for a client that fetches them with `poll`. Bounded in count and in bytes
// (of their frames): a new message pushes out the oldest, and the loss is counted until the
// next drain reports it. A message larger than one drain may carry is lost at once. Not
// thread-safe; its Client guards it.
class Mailbox {
 public:
  Mailbox(std::size_t max_messages, std::size_t max_bytes, std::size_t max_message_bytes);

  // Returns how many messages were dropped to make room (the new one itself when it is too
  // large to keep).
  std::size_t push(Delivery delivery);

  struct Drained {
    std::vector<Delivery> deliveries;
    std::uint64_t lost = 0;  // dropped since the previous drain
    std::size_t left = 0;    // still waiting after this drain
  };
  // Takes the oldest messages while their frames fit in `byte_budget` (always at least one).
  Drained drain(std::size_t byte_budget);

  bool empty() const noexcept { return queue_.empty(); }
  std::size_t size() const noexcept { return queue_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }

 private:
  std::size_t max_messages_;
  std::size_t max_bytes_;
  std::size_t max_message_bytes_;
  std::deque<Delivery> queue_;
  std::size_t bytes_ = 0;
  std::uint64_t lost_ = 0;
};

}  // namespace gw::gateway
