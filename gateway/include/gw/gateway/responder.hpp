#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <gw/gateway/identity.hpp>
#include <gw/gateway/reply_sink.hpp>
#include <gw/message/message.hpp>
#include <gw/transports/session.hpp>

namespace gw::gateway {

// Answers one request later, from any thread: the reply is completed (cmd, id, userID,
// timestamp, code) and encoded as immediate replies are (under the key of who asked), by
// `sink`. Only the first call counts.
class Responder {
 public:
  Responder(ReplySink& sink, std::shared_ptr<transports::Session> session, std::string cmd,
            std::string id, std::shared_ptr<const Identity> identity);

  void operator()(message::Message reply) const;

 private:
  ReplySink* sink_;
  std::shared_ptr<transports::Session> session_;
  std::string cmd_;
  std::string id_;
  std::shared_ptr<const Identity> identity_;
  std::shared_ptr<std::atomic<bool>> answered_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace gw::gateway
