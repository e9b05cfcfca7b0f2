#pragma once

#include <memory>

#include <gw/message/message.hpp>
#include <gw/transports/session.hpp>

namespace gw::gateway {

// One message on its way to its recipients: encrypted once, the same frame for every pushed
// copy, and the message itself for mailboxes (a poll reply carries messages, not tokens).
struct Delivery {
  transports::Frame frame;
  std::shared_ptr<const message::Message> message;
};

}  // namespace gw::gateway
