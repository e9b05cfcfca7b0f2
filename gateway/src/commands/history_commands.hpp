#pragma once

#include <optional>
#include <string>
#include <variant>

#include <gw/gateway/codec_slot.hpp>
#include <gw/gateway/command_registry.hpp>
#include <gw/gateway/hub.hpp>
#include <gw/message/message.hpp>

#include "hub/topic_history.hpp"

// Topic history as the commands see it: `history`, and what `subscribe ... since=` adds.
namespace gw::gateway {

// A subscribe's filter and, when its args end in since=..., where the subscriber left off.
struct SubscribeArgs {
  std::string filter;
  std::optional<TopicHistory::Since> since;
};
// The filter is the topic field, or the args; a last word since=EPOCH:OFFSET or since=TIME
// (ISO 8601, UTC) is taken off it. A refusal (400) says what is wrong with the since.
std::variant<SubscribeArgs, message::Message> subscribe_args(const message::Message& request);

// What a subscribe with since adds to its reply: what was missed, delivered to the client
// before any live message of the filter, and whether that is everything.
struct CaughtUp {
  std::size_t sent = 0;
  bool recovered = false;
  std::string why;
};
// Subscribes `client` to `filter` (hub.subscribe's answer in `subscribed`) with what it
// missed since `since` delivered first, nothing lost or doubled in between. A refusal when the
// offset is ahead of the history.
std::variant<CaughtUp, message::Message> subscribe_catching_up(
    Hub& hub, TopicHistory& history, CodecSlot& codec, const std::shared_ptr<Client>& client,
    const std::string& filter, const TopicHistory::Since& since, Hub::Subscribed& subscribed);

// history
struct HistoryCommandsUse {
  TopicHistory& history;
  std::size_t reply_bytes;  // what one reply may carry (as a poll's)
};
void add_history_commands(CommandRegistry& registry, HistoryCommandsUse use);

}  // namespace gw::gateway
