#pragma once

#include <gw/message/message.hpp>

namespace gw::gwctl {

// One line per message: "TIME SENDER (ID) [TOPIC #OFFSET] (retained) CMD: TEXT DATA" (the
// offset when history keeps the topic, the mark on a retained one), dimmed and bold with
// `colour`, or with `json` the message's JSON.
void print_message(const message::Message& message, bool json, bool colour);

}  // namespace gw::gwctl
