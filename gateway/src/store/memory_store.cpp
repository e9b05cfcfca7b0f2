#include <gw/gateway/memory_store.hpp>

namespace gw::gateway {

std::unique_ptr<Mailbox> MemoryStore::open_mailbox(const std::string& client_id,
                                                   const SessionLimits& limits) {
  return std::make_unique<Mailbox>(limits, client_id);
}

std::string MemoryStore::describe() const {
  return "in memory (storage kind memory): sessions and mailboxes end with the process";
}

}  // namespace gw::gateway
