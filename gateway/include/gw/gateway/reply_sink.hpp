#pragma once

#include <memory>
#include <string_view>

#include <gw/gateway/identity.hpp>
#include <gw/message/message.hpp>
#include <gw/transports/session.hpp>

namespace gw::gateway {

// Where a reply that a command gives later (a long poll, an answer awaited from another
// client) is completed, as replies given at once are, and sent. The dispatcher is one; a
// command sees only this, through its Responder.
class ReplySink {
 public:
  virtual ~ReplySink() = default;
  // Completes (cmd, id, userID, timestamp, code) and sends `reply` to the request `cmd`/`id`
  // that came through `session` from `identity` (under whose key it goes; null: the shared
  // key). Thread-safe.
  virtual void complete(const std::shared_ptr<transports::Session>& session, message::Message reply,
                        std::string_view cmd, std::string_view id, const Identity* identity) = 0;
};

}  // namespace gw::gateway
