#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gw/gateway/delivery.hpp>
#include <gw/gateway/session_limits.hpp>
#include <gw/transports/ring_queue.hpp>

namespace gw::gateway {

class MailboxJournal;

// Messages waiting for a client that fetches them with `poll`, each numbered in order of
// arrival. Bounded in count and in bytes (of their tokens): a new message pushes out the
// oldest, and the loss is counted until the next poll reports it. A message larger than one
// poll reply may carry is lost at once.
//
// Two ways to fetch: `take` removes what it returns (a poll without `ack`); `peek` returns the
// oldest unacknowledged messages and keeps them until `acknowledge` (at least once). A durable
// store gives the mailbox a journal, told of every change so that it can write it down; the
// mailbox then holds what the store holds. Not thread-safe: its Client calls it under the
// client's lock, so a journal must not block (a durable one hands its writes to a writer
// thread).
class Mailbox {
 public:
  struct Entry {
    std::uint64_t seq = 0;
    std::shared_ptr<const message::Message> message;
    std::size_t bytes = 0;  // of its token: what the bounds count
  };

  // What a durable store had for this client: its messages, oldest first; the number the next
  // message gets (above every kept one); how many were lost that no poll has reported yet.
  struct Restored {
    std::vector<Entry> kept;
    std::uint64_t next_seq = 1;
    std::uint64_t lost = 0;
  };
  Mailbox(const SessionLimits& limits, std::string client_id,
          std::shared_ptr<MailboxJournal> journal, Restored restored);
  explicit Mailbox(const SessionLimits& limits, std::string client_id = {},
                   std::shared_ptr<MailboxJournal> journal = nullptr);

  struct Pushed {
    std::size_t dropped = 0;  // old messages pushed out, or the new one when too large
    bool kept = false;        // the new one is waiting
  };
  Pushed push(const Delivery& delivery);

  struct Drained {
    std::vector<Entry> entries;
    std::uint64_t lost = 0;  // dropped since the previous poll
    std::size_t left = 0;    // still waiting after the ones returned
  };
  // Removes and returns the oldest messages while they fit in `byte_budget` (always one).
  Drained take(std::size_t byte_budget);
  // Forgets the messages numbered up to `acknowledged`, then returns the oldest that fit in
  // `byte_budget`, keeping them.
  Drained peek(std::uint64_t acknowledged, std::size_t byte_budget);
  // Forgets the messages numbered up to `acknowledged`; returns how many.
  std::size_t acknowledge(std::uint64_t acknowledged);

  bool empty() const noexcept { return queue_.empty(); }
  std::size_t size() const noexcept { return queue_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }
  // The number the next message gets.
  std::uint64_t next_seq() const noexcept { return next_seq_; }

 private:
  Drained oldest(std::size_t byte_budget, bool remove);
  void pop_front();
  // Tells the journal that everything below the oldest kept message is gone.
  void forget_below_front();
  // Counts `count` more lost and tells the journal, so that a restart does not forget them.
  void count_lost(std::uint64_t count);

  const std::size_t max_messages_;
  const std::size_t max_bytes_;
  const std::size_t max_message_bytes_;
  const std::string client_id_;
  const std::shared_ptr<MailboxJournal> journal_;
  transports::RingQueue<Entry> queue_;  // empty: no memory, for the many idle clients
  std::size_t bytes_ = 0;
  std::uint64_t lost_ = 0;
  std::uint64_t next_seq_;
};

// Where a durable store writes a mailbox's changes. Called under the client's lock: hands the
// work on, never waits.
class MailboxJournal {
 public:
  virtual ~MailboxJournal() = default;
  virtual void kept(const std::string& client_id, const Mailbox::Entry& entry) = 0;
  // Every message of the client numbered below `seq` is gone.
  virtual void forgotten_below(const std::string& client_id, std::uint64_t seq) = 0;
  // How many were lost (pushed out, or too large) that no poll has reported yet: 0 once one has.
  virtual void unreported_losses(const std::string& client_id, std::uint64_t lost) = 0;
};

}  // namespace gw::gateway
