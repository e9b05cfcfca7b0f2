#include <gw/gateway/memory_mailbox.hpp>
#include <gw/gateway/memory_store.hpp>

namespace gw::gateway {

std::unique_ptr<Mailbox> MemoryStore::open_mailbox(const std::string& /*client_id*/,
                                                   const SessionLimits& limits) {
  return std::make_unique<MemoryMailbox>(limits.mailbox_messages, limits.mailbox_bytes,
                                         limits.poll_reply_bytes);
}

}  // namespace gw::gateway
