#pragma once

// Topic names and filters live in gw::message, which the client library shares.
#include <gw/message/topic.hpp>

namespace gw::gateway {
namespace topic = message::topic;
}  // namespace gw::gateway
