#pragma once

#include <gw/gateway/store.hpp>

namespace gw::gateway {

// Everything in memory, lost when the gateway stops (storage kind `memory`).
class MemoryStore final : public Store {
 public:
  std::unique_ptr<Mailbox> open_mailbox(const std::string& client_id,
                                        const SessionLimits& limits) override;
  const std::string& epoch() const override { return epoch_; }
  std::string describe() const override;

 private:
  const std::string epoch_ = new_store_epoch();
};

}  // namespace gw::gateway
