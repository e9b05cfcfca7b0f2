#include "bridge_session.hpp"

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

}  // namespace gw::mqtt
