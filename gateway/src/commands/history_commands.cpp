#include "history_commands.hpp"

#include <algorithm>
#include <charconv>

#include <gw/gateway/server_info.hpp>
#include <gw/gateway/topic.hpp>

#include "command_sets.hpp"

namespace gw::gateway {

namespace {

using message::Message;

// The most one subscribe hands out of what was missed; past it, the newest, and not recovered.
constexpr std::size_t max_missed = 10000;
constexpr std::size_t default_history_count = 20;
constexpr std::size_t max_history_count = 1000;

constexpr std::string_view since_help =
    "since=EPOCH:OFFSET (the epoch of a subscribe or history reply, and the offset of the last "
    "message you got) or since=TIME (such as 2026-12-04T10:00:00Z)";

std::optional<TopicHistory::Since> parse_since(std::string_view text) {
  TopicHistory::Since since;
  if (const auto colon = text.find(':'); colon != std::string_view::npos && colon > 0) {
    const auto epoch = text.substr(0, colon);
    const auto offset = text.substr(colon + 1);
    const bool hex = std::all_of(epoch.begin(), epoch.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
    const auto* end = offset.data() + offset.size();
    if (hex && !offset.empty() && std::from_chars(offset.data(), end, since.offset).ptr == end) {
      since.epoch = std::string(epoch);
      return since;
    }
  }
  since.time = parse_iso8601(text);
  if (!since.time) return std::nullopt;
  return since;
}

}  // namespace

std::variant<SubscribeArgs, Message> subscribe_args(const Message& request) {
  SubscribeArgs parsed;
  auto args = trimmed_args(request.args);
  // A filter may hold spaces: only a last word since=... is an option.
  std::string since;
  const auto cut = args.find_last_of(" \t");
  const auto last =
      cut == std::string::npos ? std::string_view(args) : std::string_view(args).substr(cut + 1);
  const bool has_since = last.starts_with("since=");
  if (has_since) {
    since = std::string(last.substr(6));
    args = trimmed_args(cut == std::string::npos ? std::string_view() : args.substr(0, cut));
  }
  parsed.filter = request.topic.empty() ? args : request.topic;
  if (!request.topic.empty() && !args.empty())
    return refusal(400, "subscribe: with topic set, args may only be " + std::string(since_help));
  if (has_since) {
    parsed.since = parse_since(since);
    if (!parsed.since)
      return refusal(
          400, "subscribe: cannot read since=" + since + "; expected " + std::string(since_help));
  }
  return parsed;
}

std::variant<CaughtUp, Message> subscribe_catching_up(
    Hub& hub, TopicHistory& history, CodecSlot& codec, const std::shared_ptr<Client>& client,
    const std::string& filter, const TopicHistory::Since& since, Hub::Subscribed& subscribed) {
  if (!since.time && since.epoch == history.epoch() && since.offset > history.newest_offset())
    return refusal(400, "since offset " + std::to_string(since.offset) +
                            " is beyond the newest of this history (" +
                            std::to_string(history.newest_offset()) + ")");
  // Held from before the subscription is in place until what was missed is out: a live
  // message is then either in what was missed (and its live copy dropped) or after it.
  client->hold_deliveries();
  subscribed = hub.subscribe(client, filter);
  if (subscribed == Hub::Subscribed::too_many) {
    client->release_deliveries({});
    return CaughtUp{};
  }
  auto missed = history.since(filter, since, max_missed);
  std::vector<Delivery> deliveries;
  const auto current = codec.current();
  for (const auto& kept : missed.messages)
    if (auto delivery = make_delivery(*current, *kept)) deliveries.push_back(std::move(*delivery));
  client->release_deliveries(deliveries);
  return CaughtUp{deliveries.size(), missed.recovered, std::move(missed.why)};
}

namespace {

// `history TOPIC [COUNT]`, or topic set and args COUNT.
std::optional<Message> history(const HistoryCommandsUse& use, const CommandContext& context) {
  const auto& request = context.request;
  const auto filter = target_of(request, &Message::topic);
  const auto count_text =
      request.topic.empty() ? split_first_word(request.args).second : trimmed_args(request.args);
  if (filter.empty())
    return refusal(400, "history needs a topic (or filter): set topic, or args \"TOPIC [COUNT]\"");
  if (auto problem = topic::check_filter(filter)) return refusal(400, *problem);
  std::size_t count = default_history_count;
  if (!count_text.empty()) {
    const auto* end = count_text.data() + count_text.size();
    if (std::from_chars(count_text.data(), end, count).ptr != end || count == 0 ||
        count > max_history_count)
      return refusal(400, "history COUNT must be a whole number from 1 to " +
                              std::to_string(max_history_count) + ", not '" + count_text + "'");
  }
  auto& topic_history = use.history;
  auto kept = topic_history.last(filter, count);
  if (kept.empty() && !topic_history.covers(filter))
    return refusal(404, "no history is kept for " + filter +
                            ": the gateway's [[history]] filters do not include it");
  // The newest that fit in one reply.
  std::size_t bytes = 0;
  auto first_sent = kept.end();
  while (first_sent != kept.begin()) {
    const auto size = (*std::prev(first_sent))->to_object().dump().size();
    if (bytes + size > use.reply_bytes) break;
    bytes += size;
    --first_sent;
  }
  auto messages = nlohmann::json::array();
  for (auto it = first_sent; it != kept.end(); ++it)
    messages.push_back((*it)->to_object());
  auto text = std::to_string(messages.size()) + " messages of " + filter;
  if (first_sent != kept.begin()) text += " (the newest that fit in one reply; ask for fewer)";
  return text_reply(std::move(text), {{"topic", filter},
                                      {"epoch", topic_history.epoch()},
                                      {"offset", topic_history.newest_offset()},
                                      {"messages", std::move(messages)}});
}

}  // namespace

void add_history_commands(CommandRegistry& registry, HistoryCommandsUse use) {
  registry.add(
      {.name = "history",
       .description = "The last COUNT (20) messages of a topic or filter that keeps "
                      "history ([[history]]): args \"TOPIC [COUNT]\"",
       .permission = Permission::everyone,
       .handler = handler_using(use, history),
       // Reading what a filter kept is subscribing to it, after the fact.
       .accesses = [](const Message& request) {
         return std::vector<Access>{{Access::Kind::subscribe, target_of(request, &Message::topic)}};
       }});
}

}  // namespace gw::gateway
