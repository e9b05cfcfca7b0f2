#include <array>
#include <charconv>
#include <variant>

#include <openssl/rand.h>

#include <gw/gateway/builtin_commands.hpp>
#include <gw/message/base64url.hpp>
#include <gw/message/discovery.hpp>

#include "command_sets.hpp"

namespace gw::gateway {

namespace {

using message::Message;

// 128 random bits: the token an HTTP or UDP client sends to stay one session.
std::string new_session_token() {
  std::array<std::uint8_t, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("the system's random generator failed");
  return message::base64url::encode(bytes);
}

nlohmann::json command_names(const CommandRegistry& registry) {
  auto names = nlohmann::json::array();
  for (const auto* command : registry.list())
    if (!command->name.empty()) names.push_back(command->name);
  return names;
}

nlohmann::json session_data(const ServerInfo& server, const CommandRegistry& commands,
                            const Client& client) {
  const auto token = client.token().empty() ? nlohmann::json() : nlohmann::json(client.token());
  const auto resume_token = client.resume_token();
  const auto resume = resume_token.empty() ? nlohmann::json() : nlohmann::json(resume_token);
  auto data = server.discovery_json();  // server and endpoints, as a probe gets
  const auto device = client.device_name();
  data["session"] = {{"id", client.id()},
                     {"token", token},
                     {"name", client.name()},
                     {"resume", resume},
                     {"device", device.empty() ? nlohmann::json() : nlohmann::json(device)}};
  data["commands"] = command_names(commands);
  return data;
}

// The handshake's data, and in a cluster the gateways a client may move to.
nlohmann::json handshake_data(const SessionCommandsUse& use, const Client& client) {
  auto data = session_data(use.server, use.commands, client);
  if (const auto* cluster = use.hub.cluster()) data["nodes"] = cluster->nodes();
  return data;
}

constexpr std::size_t max_offered_names = 256;
constexpr std::size_t max_offered_name_bytes = 64;

// What a handshake's data says the client answers (`commands` and `requestables`, lists of
// names), into `offers`; the refusal's text when a list is not one of names.
std::optional<std::string> read_offers(const nlohmann::json& data,
                                       std::optional<Client::Offers>& offers) {
  if (!data.is_object() || (!data.contains("commands") && !data.contains("requestables")))
    return std::nullopt;
  offers.emplace();
  for (const auto& [field, names] : {std::pair{"commands", &offers->commands},
                                     std::pair{"requestables", &offers->requestables}}) {
    if (!data.contains(field)) continue;
    const auto& list = data[field];
    const auto problem = std::string("data.") + field + " must be a list of at most " +
                         std::to_string(max_offered_names) + " names, each one word of at most " +
                         std::to_string(max_offered_name_bytes) + " characters";
    if (!list.is_array() || list.size() > max_offered_names) return problem;
    for (const auto& name : list) {
      if (!name.is_string()) return problem;
      const auto& text = name.get_ref<const std::string&>();
      if (!is_one_word(text, max_offered_name_bytes)) return problem;
      names->push_back(text);
    }
  }
  return std::nullopt;
}

std::optional<Message> handshake(const SessionCommandsUse& use, const CommandContext& context) {
  std::optional<Client::Offers> offers;
  if (const auto problem = read_offers(context.request.data.parse(), offers))
    return refusal(400, *problem);
  auto& hub = use.hub;
  auto client = context.client;
  if (!client) {  // an HTTP or UDP client without a session (or with an expired one)
    client = hub.open_session(context.session, new_session_token(), context.identity);
    if (!client)
      return refusal(503, "the gateway holds its limit of " +
                              std::to_string(hub.limits().max_sessions) +
                              " HTTP and UDP sessions; try again later");
  }
  std::string not_resumable;
  // A connection that handshakes may come back: the original clients, which never do, end
  // with their connection and hold no name or storage while away.
  if (client->traits().connection && !client->resumable() &&
      !hub.make_resumable(client, new_session_token()))
    not_resumable =
        "; this session cannot be resumed after a disconnect: the gateway holds its "
        "limit of " +
        std::to_string(hub.limits().max_sessions) + " resumable sessions";
  if (offers) client->set_offers(std::move(*offers));
  const auto& wanted = context.request.user_id;
  const auto name = wanted.empty() ? client->name() : hub.claim_name(*client, wanted);
  return text_reply("hello " + name + ", this is " + use.server.name + not_resumable,
                    handshake_data(use, *client));
}

std::optional<Message> resume(const SessionCommandsUse& use, const CommandContext& context) {
  if (!context.session->traits().connection)
    return refusal(400,
                   "resume is for WebSocket and TCP connections; an HTTP or UDP session goes on "
                   "by sending its token in the token field");
  const auto resume_token = trimmed_args(context.request.args);
  if (resume_token.empty())
    return refusal(400,
                   "resume needs the resume token in args: data.session.resume of the handshake "
                   "reply");
  const auto codec = use.codec.current();
  const auto& key = key_for(context.identity.get(), *codec);
  const auto encode = [&codec, &key](const Message& message) -> transports::Frame {
    auto frame = codec->encode(message, key);
    return frame ? std::make_shared<const std::string>(std::move(*frame)) : nullptr;
  };
  auto outcome = use.hub.resume(context.session, resume_token, encode, *context.identity);
  if (const auto* refused = std::get_if<Hub::Refusal>(&outcome))
    return refusal(refused->code, refused->text);
  const auto& resumed = std::get<Hub::Resumed>(outcome);
  const auto& client = *resumed.client;
  auto text = "welcome back " + client.name() + " (" + client.id() +
              "): " + std::to_string(resumed.sent) + " messages that waited were sent first";
  if (resumed.lost > 0)
    text += "; " + std::to_string(resumed.lost) +
            " older ones were lost because your mailbox was full while you were away";
  auto data = handshake_data(use, client);
  data["subscriptions"] = client.subscriptions();
  data["missed"] = resumed.sent;
  data["lost"] = resumed.lost;
  return text_reply(std::move(text), std::move(data));
}

std::optional<Message> bye(const SessionCommandsUse& use, const CommandContext& context) {
  const auto& client = context.client;
  use.hub.leave(client);
  if (client->traits().connection)
    return text_reply("goodbye " + client->name() +
                      ": your session ends with this connection and cannot be resumed");
  return text_reply("goodbye " + client->name() + ": your session has ended and its token " +
                    "is no longer valid");
}

std::optional<Message> whoami(const CommandContext& context) {
  const auto& client = *context.client;
  auto info = client.info();
  // What this client may do: its key's permissions, all of them once it is admin.
  info["permissions"] = context.identity->permissions.to_json();
  if (client.admin()) info["permissions"]["admin"] = true;
  const auto as = context.identity->device() ? ", device " + context.identity->name : "";
  return text_reply("you are " + client.name() + " (" + client.id() + ") on " +
                        std::string(client.traits().label()) + as,
                    std::move(info));
}

std::optional<Message> rename(const SessionCommandsUse& use, const CommandContext& context) {
  auto name = trimmed_args(context.request.args);
  if (name.empty())
    return refusal(400, "rename needs the new name in args, such as args \"kitchen-sensor\"");
  if (auto refused = use.hub.rename(*context.client, name))
    return refusal(refused->code, refused->text);
  return text_reply("you are now " + name, context.client->info());
}

std::optional<Message> clients(const SessionCommandsUse& use, const CommandContext& context) {
  auto list = use.hub.clients();
  auto* cluster = use.hub.cluster();
  if (!cluster) {
    const auto count = list.size();
    return text_reply(std::to_string(count) + " clients", std::move(list));
  }
  // In a cluster: this gateway's clients and every other gateway's, each with its node.
  for (auto& client : list)
    client["node"] = cluster->node();
  cluster->other_clients([list = std::move(list), respond = context.responder()](
                             nlohmann::json others, std::string problem) mutable {
    for (auto& client : others)
      list.push_back(std::move(client));
    auto text = std::to_string(list.size()) + " clients";
    if (!problem.empty()) text += " (" + problem + ")";
    auto reply = text_reply(std::move(text), std::move(list));
    respond(std::move(reply));
  });
  return std::nullopt;
}

Message poll_reply(const Mailbox::Drained& drained, bool kept) {
  auto messages = nlohmann::json::array();
  for (const auto& entry : drained.entries) {
    auto object = entry.message->to_object();
    object["seq"] = entry.seq;
    messages.push_back(std::move(object));
  }
  auto text = std::to_string(messages.size()) + " messages";
  const auto last_seq = drained.entries.empty() ? 0 : drained.entries.back().seq;
  if (kept && last_seq > 0)
    text += " (kept until acknowledged: poll with ack=" + std::to_string(last_seq) + ")";
  if (drained.lost > 0)
    text += "; " + std::to_string(drained.lost) +
            " older ones were lost because your mailbox was full: poll more often";
  if (drained.left > 0) text += "; " + std::to_string(drained.left) + " more waiting";
  nlohmann::json data = {
      {"messages", std::move(messages)}, {"lost", drained.lost}, {"left", drained.left}};
  if (last_seq > 0) data["last_seq"] = last_seq;
  return text_reply(std::move(text), std::move(data));
}

std::optional<std::uint64_t> whole_number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

struct PollArgs {
  std::uint64_t wait = 0;
  std::optional<std::uint64_t> ack;  // at least once, having received up to this number
};

// "wait=N ack=N", either or both, in any order; nothing: no wait, and take what is returned.
std::optional<PollArgs> poll_args(std::string_view args) {
  PollArgs parsed;
  auto rest = trimmed_args(args);
  while (!rest.empty()) {
    auto [word, after] = split_first_word(rest);
    rest = std::move(after);
    std::optional<std::uint64_t> value;
    if (word.starts_with("wait=")) {
      if (!(value = whole_number(std::string_view(word).substr(5)))) return std::nullopt;
      parsed.wait = *value;
    } else if (word.starts_with("ack=")) {
      if (!(value = whole_number(std::string_view(word).substr(4)))) return std::nullopt;
      parsed.ack = *value;
    } else if (auto bare = whole_number(word)) {  // the original form: just the seconds
      parsed.wait = *bare;
    } else {
      return std::nullopt;
    }
  }
  return parsed;
}

std::optional<Message> poll(const SessionCommandsUse& use, const CommandContext& context) {
  const auto& limits = use.hub.limits();
  const auto args = poll_args(context.request.args);
  if (!args)
    return refusal(400,
                   "poll args: expected wait=SECONDS and/or ack=SEQ (whole numbers), such as "
                   "\"wait=30 ack=12\"; ack keeps what is returned until acknowledged");
  if (args->ack && *args->ack > context.client->last_seq())
    return refusal(400, "ack=" + std::to_string(*args->ack) +
                            " is above the newest message of your session (" +
                            std::to_string(context.client->last_seq()) +
                            "): acknowledge the last_seq of a poll reply");
  const auto seconds =
      std::min<std::uint64_t>(args->wait, static_cast<std::uint64_t>(limits.poll_wait_max.count()));
  const bool keep = args->ack.has_value();
  std::optional<PollWaiter> waiter;
  if (seconds > 0) {
    waiter = PollWaiter{std::chrono::steady_clock::now() + std::chrono::seconds(seconds),
                        limits.poll_reply_bytes, keep,
                        [respond = context.responder(), keep](Mailbox::Drained drained) {
                          respond(poll_reply(drained, keep));
                        }};
  }
  auto drained = context.client->poll(limits.poll_reply_bytes, args->ack, std::move(waiter));
  if (!drained) return std::nullopt;  // answered when a message comes or the wait ends
  return poll_reply(*drained, keep);
}

}  // namespace

void add_session_commands(CommandRegistry& registry, SessionCommandsUse use) {
  registry.add({.name = "handshake",
                .description =
                    "Open a session: the gateway's name, id, clock and endpoints, your session id "
                    "and token, and the commands; userID asks for a name",
                .permission = Permission::everyone,
                .handler = handler_using(use, handshake)});
  registry.add({.name = "resume",
                .description =
                    "Go on as the WebSocket or TCP session whose resume token is in args "
                    "(data.session.resume of its handshake): its id, name and subscriptions, and "
                    "first what arrived for it while it was away",
                .permission = Permission::everyone,
                .handler = handler_using(use, resume)});
  registry.add({.name = "bye",
                .description = "End your session now: its token and resume token stop working",
                .permission = Permission::everyone,
                .handler = handler_using(use, bye),
                .needs_session = true});
  registry.add({.name = "whoami",
                .description = "Your session: id, name, transport, address, since, subscriptions "
                               "and what your key may do (permissions)",
                .permission = Permission::everyone,
                .handler = whoami,
                .needs_session = true});
  registry.add({.name = "rename",
                .description = "Take the name in args (names are unique: 409 if taken; a "
                               "device's name is fixed: 403)",
                .permission = Permission::everyone,
                .handler = handler_using(use, rename),
                .needs_session = true});
  registry.add({.name = "clients",
                .description = "Every client: id, name, transport, address, since, subscriptions",
                .handler = handler_using(use, clients)});
  registry.add({.name = "poll",
                .description =
                    "Fetch the messages waiting for this session; args wait=N holds the request up "
                    "to N seconds until one comes; ack=SEQ forgets those numbered up to SEQ and "
                    "keeps the ones returned until acknowledged (at least once)",
                .permission = Permission::everyone,
                .handler = handler_using(use, poll),
                .needs_session = true});
}

Message welcome_message(const ServerInfo& server, const CommandRegistry& commands,
                        const Client& client) {
  Message welcome;
  welcome.cmd = "welcome";
  welcome.code = 200;
  welcome.user_id = server.name;
  welcome.timestamp = iso8601_now();
  welcome.text = "welcome to " + server.name;
  welcome.data = session_data(server, commands, client);
  return welcome;
}

Message probe_answer(const ServerInfo& server) {
  Message answer;
  answer.text = "gateway " + server.name;
  answer.data = server.discovery_json();
  return answer;
}

Message announce_message(const ServerInfo& server) {
  Message beacon = probe_answer(server);
  beacon.cmd = std::string(message::announce_cmd);
  beacon.user_id = server.name;
  beacon.timestamp = iso8601_now();
  return beacon;
}

}  // namespace gw::gateway
