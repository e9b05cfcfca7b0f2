#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <gw/gateway/delivery.hpp>

namespace gw::gateway {

// Messages waiting for a client that fetches them with `poll`. Bounded in count and in bytes
// (of their frames): a new message pushes out the oldest, and the loss is counted until the
// next drain reports it. A message larger than one drain may carry is lost at once. Opened by
// the gateway's `Store`; not thread-safe: its Client calls it under the client's lock, so an
// implementation must not block there (a durable one hands its writes to a writer thread).
class Mailbox {
 public:
  virtual ~Mailbox() = default;

  // Returns how many messages were dropped to make room (the new one itself when it is too
  // large to keep).
  virtual std::size_t push(Delivery delivery) = 0;

  struct Drained {
    std::vector<Delivery> deliveries;
    std::uint64_t lost = 0;  // dropped since the previous drain
    std::size_t left = 0;    // still waiting after this drain
  };
  // Takes the oldest messages while their frames fit in `byte_budget` (always at least one).
  virtual Drained drain(std::size_t byte_budget) = 0;

  virtual bool empty() const noexcept = 0;
  virtual std::size_t size() const noexcept = 0;
  virtual std::size_t bytes() const noexcept = 0;
};

}  // namespace gw::gateway
