#include <gw/gateway/responder.hpp>

namespace gw::gateway {

Responder::Responder(ReplySink& sink, std::shared_ptr<transports::Session> session, std::string cmd,
                     std::string id, std::shared_ptr<const Identity> identity)
    : sink_(&sink),
      session_(std::move(session)),
      cmd_(std::move(cmd)),
      id_(std::move(id)),
      identity_(std::move(identity)) {}

void Responder::operator()(message::Message reply) const {
  if (answered_->exchange(true)) return;
  sink_->complete(session_, std::move(reply), cmd_, id_, identity_.get());
}

}  // namespace gw::gateway
