#include <gw/gateway/dispatcher.hpp>
#include <gw/gateway/responder.hpp>

namespace gw::gateway {

Responder::Responder(Dispatcher& dispatcher, std::shared_ptr<transports::Session> session,
                     std::string cmd, std::string id)
    : dispatcher_(&dispatcher),
      session_(std::move(session)),
      cmd_(std::move(cmd)),
      id_(std::move(id)) {}

void Responder::operator()(message::Message reply) const {
  if (answered_->exchange(true)) return;
  dispatcher_->complete(session_, std::move(reply), cmd_, id_);
}

}  // namespace gw::gateway
