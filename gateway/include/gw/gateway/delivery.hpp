#pragma once

#include <memory>

#include <gw/message/codec.hpp>
#include <gw/message/message.hpp>
#include <gw/message/result.hpp>
#include <gw/transports/session.hpp>

namespace gw::gateway {

// One message on its way to its recipients: encrypted once, the same frame for every pushed
// copy, and the message itself for mailboxes (a poll reply carries messages, not tokens).
struct Delivery {
  transports::Frame frame;
  std::shared_ptr<const message::Message> message;
};

// Encrypts `message` once into a delivery. Fails as Codec::encode does (too large, not UTF-8).
message::Result<Delivery> make_delivery(const message::Codec& codec, message::Message message);

}  // namespace gw::gateway
