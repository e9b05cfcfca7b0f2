#pragma once

#include <memory>
#include <string>

#include <gw/gateway/mailbox.hpp>
#include <gw/gateway/session_limits.hpp>

namespace gw::gateway {

// Where the gateway keeps what it holds for its clients. Today that is each client's mailbox;
// sessions and topic history come next. `MemoryStore` keeps it in memory; a durable store keeps
// it across restarts, and the hub and commands do not change.
//
// Thread-safe: the hub opens mailboxes from every network thread, outside its own lock. The
// store outlives the hub (the gateway holds both, the store first); a mailbox is owned by its
// client.
class Store {
 public:
  virtual ~Store() = default;

  // The mailbox of the client with this id, bounded by `limits` (mailbox_messages,
  // mailbox_bytes, poll_reply_bytes). A durable store returns what the client had waiting.
  virtual std::unique_ptr<Mailbox> open_mailbox(const std::string& client_id,
                                                const SessionLimits& limits) = 0;
};

}  // namespace gw::gateway
