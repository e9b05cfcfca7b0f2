#include "bridge_session.hpp"

#include <mutex>

#include "broker_mapping.hpp"

namespace gw::mqtt {

const transports::SessionTraits BridgeSession::traits{
    .kind = transports::TransportKind::tcp,  // a lasting connection, as TCP's
    .connection = true,
    .delivery = transports::SessionTraits::DeliveryPath::connection,
    .part = bridge_part,
    .rate_limited = false,
    .retain_as_published = true,
    .refusals_only = true};

BridgeSession::BridgeSession(std::string broker, Sink sink)
    : Session(traits, std::move(broker)), sink_(std::move(sink)) {}

void BridgeSession::send(transports::Frame frame) {
  std::shared_lock lock(mutex_);
  if (!detached_) sink_.delivered(std::move(frame));
}

void BridgeSession::reply(transports::Frame frame, int status) {
  std::shared_lock lock(mutex_);
  if (!detached_) sink_.replied(std::move(frame), status);
}

void BridgeSession::close() {
  std::shared_lock lock(mutex_);
  if (!detached_) sink_.closed();
}

void BridgeSession::detach() {
  std::unique_lock lock(mutex_);
  detached_ = true;
}

}  // namespace gw::mqtt
