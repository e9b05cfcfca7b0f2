#include <mutex>
#include <variant>

#include <gw/gateway/topic.hpp>

#include "command_sets.hpp"
#include "history_commands.hpp"

namespace gw::gateway {

namespace {

using message::Message;

// The message as recipients get it: the sender's, without its session token, with `from` and
// `userID` set by the gateway (a sender without a session is "anonymous", a device without
// one its name). Encrypted once per key.
std::variant<Delivery, Message> delivery_from_sender(const MessagingCommandsUse& use,
                                                     const CommandContext& context, Message message,
                                                     std::uint64_t offset = 0) {
  message.token.clear();
  message.code.reset();
  message.retain = false;   // a live message; a retained one is marked when it is handed out
  message.offset = offset;  // set by the gateway only
  if (context.client) {
    message.from = context.client->id();
    message.user_id = context.client->name();
  } else if (context.identity->device()) {
    message.from = context.identity->name;
    message.user_id = context.identity->name;
  } else {
    message.from = "anonymous";
    // Nobody but a device goes by its name.
    if (message.user_id.empty() || use.hub.is_device_name(message.user_id))
      message.user_id = "anonymous";
  }
  if (message.timestamp.empty()) message.timestamp = iso8601_now();
  auto delivery = make_delivery(*use.codec.current(), std::move(message));
  if (!delivery) return refusal(413, "the message cannot be delivered: " + delivery.error().text);
  return std::move(*delivery);
}

// A message that could reach only this gateway's clients, its cluster being unreachable: they
// got it, but the sender must know the others did not.
Message cluster_unavailable(const Router::Reached& reached, const std::string& where) {
  auto answer = refusal(503, "cluster unavailable (" + reached.unreachable + "): delivered to " +
                                 std::to_string(reached.delivered) + " " + where +
                                 " on this gateway only; send again later for the others");
  answer.data = {{"delivered", reached.delivered}, {"stored", reached.stored}};
  return answer;
}

// `more`: fields the command adds to the reply's data.
Message delivered_reply(Router::Reached reached, std::string where,
                        nlohmann::json more = nlohmann::json::object()) {
  if (!reached.unreachable.empty()) return cluster_unavailable(reached, where);
  auto text = "delivered to " + std::to_string(reached.delivered) + " " + std::move(where);
  if (reached.stored > 0) text += " (" + std::to_string(reached.stored) + " kept for their poll)";
  nlohmann::json data = std::move(more);
  data["delivered"] = reached.delivered;
  data["stored"] = reached.stored;
  if (reached.gateways > 0) {
    text += " here, and sent to " + std::to_string(reached.gateways) + " other gateway(s)";
    data["gateways"] = reached.gateways;
  }
  return text_reply(std::move(text), std::move(data));
}

// The reply to a message, once the store holds what it kept in mailboxes: a sender told
// `stored` knows it survives a restart. 503 when the store could not write it.
std::optional<Message> answer_when_stored(Store& store, Responder respond, Message reply,
                                          std::size_t stored, std::uint64_t since) {
  if (stored == 0 || reply.cmd == "error") return reply;
  store.when_committed(
      since, [respond = std::move(respond), reply = std::move(reply)](bool written) mutable {
        if (written) return respond(std::move(reply));
        respond(refusal(503,
                        "storage full: the message reached the connected recipients, but "
                        "the store could not keep it for those that poll; try again later"));
      });
  return std::nullopt;
}

std::optional<Message> answer_when_stored(const MessagingCommandsUse& use,
                                          const CommandContext& context, Message reply,
                                          std::size_t stored, std::uint64_t since) {
  // A cluster's store keeps mailboxes in the cluster: while it is away, in memory only.
  if (const auto* cluster = use.hub.cluster(); cluster && stored > 0 && reply.cmd != "error") {
    if (const auto problem = cluster->problem(); !problem.empty()) {
      reply.text += "; kept in this gateway's memory until the cluster is back (" + problem +
                    "): lost if the gateway stops before then";
      auto data = reply.data.parse();
      data["durable"] = false;
      reply.data = data;
    }
  }
  return answer_when_stored(use.hub.store(), context.responder(), std::move(reply), stored, since);
}

// Hands `message` to the router and acknowledges with `acknowledge(delivery)`'s answer (and
// how many mailboxes kept it), once stored; or refuses when it cannot be encoded.
template <typename Acknowledge>
std::optional<Message> route_and_acknowledge(const MessagingCommandsUse& use,
                                             const CommandContext& context, Message message,
                                             Acknowledge acknowledge, std::uint64_t offset = 0) {
  auto delivery = delivery_from_sender(use, context, std::move(message), offset);
  if (auto* refused = std::get_if<Message>(&delivery)) return std::move(*refused);
  const auto since = use.hub.store().write_position();  // before the mailboxes write
  auto [reply, stored] = acknowledge(std::get<Delivery>(delivery));
  return answer_when_stored(use, context, std::move(reply), stored, since);
}

// The original relay: a WebSocket sender of a message for everyone gets its own copy and no
// other answer, so nothing waits for the store; only a refusal is sent back.
std::optional<Message> relay_to_everyone(const MessagingCommandsUse& use,
                                         const CommandContext& context, Message message) {
  auto delivery = delivery_from_sender(use, context, std::move(message));
  if (auto* refused = std::get_if<Message>(&delivery)) return std::move(*refused);
  context.router.to_everyone(std::get<Delivery>(delivery));
  return std::nullopt;
}

using Acknowledged = std::pair<Message, std::size_t>;  // the reply, and mailboxes that kept it

// The reply to a message for one client, once the router found it (perhaps on another
// gateway).
Acknowledged to_one_reply(const std::string& who, const Router::Found& found) {
  if (!found.recipient && !found.unreachable.empty())
    return Acknowledged{refusal(503, "cluster unavailable: '" + who +
                                         "' is not a client of this gateway, and the others "
                                         "cannot be asked now (" +
                                         found.unreachable + "); try again later"),
                        0};
  if (!found.recipient)
    return Acknowledged{
        refusal(404, "no client with the id or name '" + who + "'; send clients for the list"), 0};
  const auto& reached = *found.recipient;
  const std::size_t stored = reached.stored ? 1 : 0;
  Router::Reached counts;
  counts.delivered = reached.sessions;
  counts.stored = stored;
  auto reply = delivered_reply(counts, "client");
  reply.text = reached.sessions == 1 ? "delivered to " + reached.id + " (" + reached.name + ")"
                                     : "delivered to the " + std::to_string(reached.sessions) +
                                           " sessions of " + reached.name;
  return Acknowledged{std::move(reply), stored};
}

std::optional<Message> to_one(const MessagingCommandsUse& use, const CommandContext& context,
                              Message message) {
  const auto who = message.to;
  auto delivery = delivery_from_sender(use, context, std::move(message));
  if (auto* refused = std::get_if<Message>(&delivery)) return std::move(*refused);
  const auto since = use.hub.store().write_position();  // before the mailboxes write
  // Only the router knows who exists (in a cluster, on other gateways too), and it may answer
  // after this returns: then the reply goes through the responder.
  struct Answer {
    std::mutex mutex;
    bool returned = false;
    std::optional<Router::Found> early;
  };
  auto answer = std::make_shared<Answer>();
  auto* store = &use.hub.store();
  context.router.to_client_anywhere(
      who, std::get<Delivery>(delivery),
      [answer, store, respond = context.responder(), who, since](Router::Found found) {
        {
          std::lock_guard lock(answer->mutex);
          if (!answer->returned) return void(answer->early = std::move(found));
        }
        auto [reply, stored] = to_one_reply(who, found);
        if (auto at_once = answer_when_stored(*store, respond, std::move(reply), stored, since))
          respond(std::move(*at_once));
      });
  std::lock_guard lock(answer->mutex);
  answer->returned = true;
  if (!answer->early) return std::nullopt;
  auto [reply, stored] = to_one_reply(who, *answer->early);
  return answer_when_stored(use, context, std::move(reply), stored, since);
}

// An empty publish with retain: the topic's retained message goes, and nobody is sent anything.
std::optional<Message> clear_retained(const MessagingCommandsUse& use,
                                      const CommandContext& context, const std::string& topic) {
  const auto since = use.hub.store().write_position();
  use.hub.retain(topic, nullptr);
  return answer_when_stored(use, context,
                            text_reply("cleared the retained message of " + topic,
                                       {{"delivered", 0}, {"stored", 0}, {"retained", false}}),
                            1, since);
}

std::optional<Message> to_topic(const MessagingCommandsUse& use, const CommandContext& context,
                                Message message) {
  if (auto problem = topic::check_name(message.topic)) return refusal(400, *problem);
  if (is_feed_topic(message.topic))
    return refusal(403, "topics under $gw/ are the gateway's own feed: only it publishes there");
  const auto topic = message.topic;
  const bool retain = message.retain;
  if (retain && message.text.empty() && message.data.empty())
    return clear_retained(use, context, topic);
  // A publication history keeps carries its offset, so that its subscribers can resume from it.
  const auto offset = use.history.keeps(topic) ? use.history.next_offset() : 0;
  const auto acknowledge = [&](const Delivery& live) {
    // Kept before it is routed: a subscriber catching up finds it in one or the other.
    const bool in_history =
        offset != 0 && use.history.keep(topic, live.message(), std::chrono::system_clock::now());
    auto delivery = live;
    if (retain) add_retained_copy(delivery, *use.codec.current());
    const auto reached = context.router.to_topic(topic, delivery);
    auto stored = reached.stored + (in_history ? 1 : 0);
    auto more = nlohmann::json::object();
    if (in_history) more["offset"] = offset;
    if (!retain) {
      return Acknowledged{delivered_reply(reached, "subscribers of " + topic, std::move(more)),
                          stored};
    }
    auto kept = std::make_shared<Message>(*delivery.message());
    kept->retain = true;
    const bool retained = use.hub.retain(topic, std::move(kept)) == Hub::Retained::kept;
    more["retained"] = retained;
    auto reply = delivered_reply(reached, "subscribers of " + topic, std::move(more));
    reply.text += retained ? "; retained for later subscribers"
                           : "; not retained: the gateway holds its limit of " +
                                 std::to_string(use.hub.limits().max_retained) +
                                 " retained topics (clear some with an empty retained publish)";
    return Acknowledged{std::move(reply), stored + (retained ? 1 : 0)};
  };
  return route_and_acknowledge(use, context, std::move(message), acknowledge, offset);
}

// Hands a new subscriber the retained messages of its filter, before the reply; returns how
// many.
std::size_t hand_out_retained(const MessagingCommandsUse& use, const CommandContext& context,
                              const std::string& filter) {
  std::size_t handed = 0;
  for (const auto& retained : use.hub.retained_for(filter)) {
    auto delivery = make_delivery(*use.codec.current(), *retained);
    if (!delivery) continue;  // it was encoded when published; a key rotation cannot undo that
    context.client->deliver(*delivery);
    ++handed;
  }
  return handed;
}

std::optional<Message> to_everyone(const MessagingCommandsUse& use, const CommandContext& context,
                                   Message message) {
  return route_and_acknowledge(use, context, std::move(message), [&](const Delivery& delivery) {
    const auto reached = context.router.to_everyone(delivery);
    return Acknowledged{delivered_reply(reached, "clients"), reached.stored};
  });
}

// The empty command: to `to`, else to the subscribers of `topic`, else to everyone. A
// WebSocket sender of a message for everyone gets its own copy and no other answer: the
// original relay.
// A muted client's chat goes nowhere; it is told so.
std::optional<Message> muted_refusal(const CommandContext& context) {
  if (!context.client || !context.client->muted()) return std::nullopt;
  return refusal(403, "an admin muted you: your chat, send and broadcast go nowhere until unmuted");
}

std::optional<Message> chat(const MessagingCommandsUse& use, const CommandContext& context) {
  if (auto refused = muted_refusal(context)) return refused;
  const auto& request = context.request;
  if (!request.to.empty()) return to_one(use, context, request);
  if (!request.topic.empty()) return to_topic(use, context, request);
  if (context.session->traits().own_copy_answers_chat)
    return relay_to_everyone(use, context, request);
  return to_everyone(use, context, request);
}

// For a command typed as "/CMD TARGET TEXT": when the message has no `field` (to, topic), its
// args give it (target_of), and the rest of them the text.
void target_from_args(Message& message, std::string Message::*field) {
  if (!(message.*field).empty()) return;
  message.*field = target_of(message, field);
  if (message.text.empty()) message.text = split_first_word(message.args).second;
  message.args.clear();
}

// What each messaging command touches, for the sender's permissions.
std::vector<Access> chat_accesses(const Message& request) {
  if (!request.to.empty()) return {{Access::Kind::send, request.to}};
  if (!request.topic.empty()) return {{Access::Kind::publish, request.topic}};
  return {{Access::Kind::command, "broadcast"}};  // for everyone: as broadcast
}

std::vector<Access> send_accesses(const Message& request) {
  return {{Access::Kind::send, target_of(request, &Message::to)}};
}

std::vector<Access> publish_accesses(const Message& request) {
  return {{Access::Kind::publish, target_of(request, &Message::topic)}};
}

std::vector<Access> subscribe_accesses(const Message& request) {
  const auto parsed = subscribe_args(request);
  if (const auto* args = std::get_if<SubscribeArgs>(&parsed))
    return {{Access::Kind::subscribe, args->filter}};
  return {};  // refused as malformed by the command
}

// `send` with `to`, or typed as "/send WHO TEXT".
std::optional<Message> send(const MessagingCommandsUse& use, const CommandContext& context) {
  if (auto refused = muted_refusal(context)) return refused;
  Message message = context.request;
  target_from_args(message, &Message::to);
  if (message.to.empty())
    return refusal(400,
                   "send needs a recipient: set to (a client id or name), or args \"WHO TEXT\"");
  return to_one(use, context, std::move(message));
}

std::optional<Message> broadcast(const MessagingCommandsUse& use, const CommandContext& context) {
  if (auto refused = muted_refusal(context)) return refused;
  Message message = context.request;
  if (message.text.empty()) {
    message.text = trimmed_args(message.args);
    message.args.clear();
  }
  return to_everyone(use, context, std::move(message));
}

// `publish` with `topic`, or typed as "/publish TOPIC TEXT".
std::optional<Message> publish(const MessagingCommandsUse& use, const CommandContext& context) {
  Message message = context.request;
  target_from_args(message, &Message::topic);
  if (message.topic.empty())
    return refusal(400, "publish needs a topic: set topic, or args \"TOPIC TEXT\"");
  return to_topic(use, context, std::move(message));
}

std::string filter_of(const Message& request) {
  return request.topic.empty() ? trimmed_args(request.args) : request.topic;
}

std::optional<Message> subscribe(const MessagingCommandsUse& use, const CommandContext& context) {
  auto parsed = subscribe_args(context.request);
  if (auto* refused = std::get_if<Message>(&parsed)) return std::move(*refused);
  const auto& [filter, since] = std::get<SubscribeArgs>(parsed);
  if (auto problem = topic::check_filter(filter)) return refusal(400, *problem);
  if (is_feed_filter(filter) && use.feed_readers == FeedOptions::Readers::admins &&
      !context.client->admin() && !context.identity->permissions.admin())
    return refusal(403,
                   "the $gw feed needs admin permission: send auth with the admin key first "
                   "([feed] readers = \"subscribers\" opens it to whoever may subscribe)");
  auto& hub = use.hub;
  auto result = Hub::Subscribed::added;
  std::optional<CaughtUp> caught_up;
  if (since) {
    auto outcome =
        subscribe_catching_up(hub, use.history, use.codec, context.client, filter, *since, result);
    if (auto* refused = std::get_if<Message>(&outcome)) return std::move(*refused);
    caught_up = std::get<CaughtUp>(std::move(outcome));
  } else {
    result = hub.subscribe(context.client, filter);
  }
  if (result == Hub::Subscribed::too_many)
    return refusal(400, "at most " + std::to_string(hub.limits().max_subscriptions) +
                            " subscriptions per session; unsubscribe from some first");
  // After a full catch-up the retained messages are old news; otherwise they come first.
  const auto retained =
      caught_up && caught_up->recovered ? 0 : hand_out_retained(use, context, filter);
  auto text =
      (result == Hub::Subscribed::added ? "subscribed to " : "already subscribed to ") + filter +
      (retained > 0 ? "; " + std::to_string(retained) + " retained messages sent first" : "");
  nlohmann::json data = {{"topic", filter},
                         {"subscriptions", context.client->subscriptions()},
                         {"retained", retained},
                         {"epoch", use.history.epoch()},
                         {"offset", use.history.newest_offset()}};
  if (caught_up) {
    text += "; " + std::to_string(caught_up->sent) + " missed messages sent first" +
            (caught_up->recovered ? ", all there were"
                                  : ", but not all could be recovered: " + caught_up->why);
    data["missed"] = caught_up->sent;
    data["recovered"] = caught_up->recovered;
  }
  return text_reply(std::move(text), std::move(data));
}

std::optional<Message> unsubscribe(const MessagingCommandsUse& use, const CommandContext& context) {
  const auto filter = filter_of(context.request);
  if (!use.hub.unsubscribe(*context.client, filter))
    return refusal(404, "not subscribed to '" + filter + "'; send whoami for your subscriptions");
  return text_reply("unsubscribed from " + filter,
                    {{"topic", filter}, {"subscriptions", context.client->subscriptions()}});
}

std::optional<Message> topics(const MessagingCommandsUse& use, const CommandContext&) {
  auto list = use.hub.topics();
  const auto count = list.size();
  return text_reply(std::to_string(count) + " topic filters with subscribers", std::move(list));
}

}  // namespace

void add_messaging_commands(CommandRegistry& registry, MessagingCommandsUse use) {
  registry.add(
      {.name = "",
       .description =
           "A chat message (empty cmd): to `to` if set, else to the subscribers of `topic` "
           "if set, else to every client",
       .permission = Permission::everyone,
       .handler = handler_using(use, chat),
       .accesses = chat_accesses});
  registry.add(
      {.name = "send",
       .description = "Deliver to one client: `to` is its id or name (or args \"WHO TEXT\")",
       .permission = Permission::everyone,
       .handler = handler_using(use, send),
       .accesses = send_accesses});
  registry.add({.name = "broadcast",
                .description = "Deliver to every client on every transport",
                .handler = handler_using(use, broadcast)});
  registry.add({.name = "publish",
                .description =
                    "Deliver to the subscribers of `topic` (or args \"TOPIC TEXT\"); no wildcards",
                .permission = Permission::everyone,
                .handler = handler_using(use, publish),
                .accesses = publish_accesses});
  registry.add({.name = "subscribe",
                .description =
                    "Receive what is published to `topic` (or args); + matches one level, a last # "
                    "the rest; a last arg since=EPOCH:OFFSET or since=TIME first sends what was "
                    "missed",
                .permission = Permission::everyone,
                .handler = handler_using(use, subscribe),
                .needs_session = true,
                .accesses = subscribe_accesses});
  registry.add({.name = "unsubscribe",
                .description = "Stop receiving a topic filter you subscribed to",
                .permission = Permission::everyone,
                .handler = handler_using(use, unsubscribe),
                .needs_session = true});
  registry.add({.name = "topics",
                .description = "The topic filters that have subscribers, with their counts",
                .handler = handler_using(use, topics)});
}

}  // namespace gw::gateway
