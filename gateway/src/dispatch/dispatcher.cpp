#include "dispatcher.hpp"

#include <exception>
#include <optional>
#include <string>

#include <spdlog/spdlog.h>

#include <gw/gateway/builtin_commands.hpp>
#include <gw/gateway/gateway.hpp>
#include <gw/message/discovery.hpp>

#include "admission/address_rates.hpp"
#include "admission/key_search_budget.hpp"
#include "admission/replay_guard.hpp"
#include "metrics/pages.hpp"
#include "permission_check.hpp"
#include "seed_shapes.hpp"
#include "typed_command.hpp"

namespace gw::gateway {

using message::Message;
using transports::Session;

namespace {
// "1000 per second (bursts of 2000)"
std::string per_second(const Rate& rate) {
  const auto whole = [](double value) { return std::to_string(static_cast<long long>(value)); };
  return whole(rate.per_second) + " per second (bursts of " + whole(rate.burst) + ")";
}

// The device a WebSocket client asks to be greeted as: device=NAME in its URL's query.
std::string_view greeted_device(std::string_view query) {
  constexpr std::string_view field = "device=";
  while (!query.empty()) {
    const auto end = query.find('&');
    const auto pair = query.substr(0, end);
    if (pair.starts_with(field)) return pair.substr(field.size());
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return {};
}
}  // namespace

void Dispatcher::on_open(const std::shared_ptr<Session>& session) {
  const auto client = gateway_.hub().connect(session);
  spdlog::debug("{} client {} connected from {}", session->label(), client->id(),
                session->remote_address());
  if (!session->traits().welcomed) return;
  // The welcome goes out before the client has said who it is: under the shared key (as the
  // original clients expect), or under the key of the device its URL names (?device=NAME). A
  // name that is no device's gets it under a key nobody has, so that the URL tells a stranger
  // nothing of which devices exist.
  const auto codec = gateway_.codec().current();
  IdentityPtr device;
  std::optional<message::Fernet> throwaway;
  const message::Fernet* key = &codec->keys().primary();
  if (const auto name = greeted_device(session->opening_query()); !name.empty()) {
    device = gateway_.identities().current()->device(name);
    key = device ? &*device->key : &throwaway.emplace(message::Fernet::generate());
  }
  auto frame =
      codec->encode(welcome_message(gateway_.server(), gateway_.commands(), *client), *key);
  if (!frame) return spdlog::error("cannot encode the welcome message: {}", frame.error().text);
  session->send(std::make_shared<const std::string>(std::move(*frame)));
}

void Dispatcher::on_close(const Session& session, Ending ending) {
  const auto client = gateway_.hub().find_connection(session);
  gateway_.hub().disconnect(session, ending == Ending::goodbye);
  if (client) {
    // What it provided is no longer provided, and calls waiting for its answer go elsewhere.
    gateway_.services().withdraw_all(client->id());
    gateway_.outgoing_requests().end_for(client->id());
  }
  spdlog::debug("{} client c{} disconnected", session.label(), session.id());
}

void Dispatcher::on_frame(const std::shared_ptr<Session>& session, std::string_view frame) {
  // Nothing a message holds may end a network thread or leave its sender without an answer.
  try {
    handle_frame(session, frame);
  } catch (const std::exception& error) {
    gateway_.metrics().count_handler_exception();
    spdlog::error("{} {}: a message could not be handled: {}", session->label(),
                  session->remote_address(), error.what());
    if (session->traits().forgeable_source) return;
    reply_error(session, 500, "internal error: the gateway could not handle this message", nullptr,
                *gateway_.codec().current(), nullptr);
  }
}

bool Dispatcher::within_address_rate(const std::shared_ptr<Session>& session,
                                     std::chrono::steady_clock::time_point now) {
  using Admission = AddressRates::Admission;
  const auto admission = gateway_.address_rates().admit_message(session->host(), now);
  // Trusted networks (a reverse proxy's, say) are looked up only when a limit is reached.
  if (admission == Admission::admitted ||
      gateway_.settings().trusted_networks.contains(session->host()))
    return true;
  const auto& limits = gateway_.settings().rates;
  const std::string host(session->host());
  if (admission == Admission::undecryptable_spent)
    refuse_rate(session, Metrics::RateLimit::undecryptable,
                "too many tokens from " + host +
                    " did not decrypt; the gateway reads none from there for a while (at most " +
                    per_second(limits.undecryptable) + " may fail)",
                nullptr, nullptr, now);
  else
    refuse_rate(session, Metrics::RateLimit::address,
                "rate limit: at most " + per_second(limits.address) +
                    " messages from one address (" + host + "); slow down",
                nullptr, nullptr, now);
  return false;
}

void Dispatcher::refuse_rate(const std::shared_ptr<Session>& session, Metrics::RateLimit limit,
                             std::string text, const Message* request, const Identity* identity,
                             std::chrono::steady_clock::time_point now) {
  gateway_.metrics().count_rate_limited(session->kind(), limit);
  // UDP over the limit is dropped: an answer would cost what the limit saves.
  if (session->traits().forgeable_source) return;
  const auto codec = gateway_.codec().current();
  if (!session->traits().connection)
    return reply_error(session, 429, std::move(text), request, *codec, identity);
  // A connection is told at most ten times a second; what it sends meanwhile is dropped, so
  // that a flood does not buy an encrypted answer per message.
  const auto client = gateway_.hub().find_connection(*session);
  if (!client || client->due_refusal_notice(now))
    reply_error(session, 429, std::move(text), request, *codec,
                identity ? identity : (client ? client->identity().get() : nullptr));
  if (!client || client->take_refusal_token(gateway_.settings().rates.session, now)) return;
  gateway_.metrics().count_rate_limit_close(session->kind());
  spdlog::warn("{} {}: closed: it went on sending at twice its rate limit or more",
               session->label(), session->remote_address());
  session->close();
}

bool Dispatcher::admitted_once(const std::shared_ptr<Session>& session,
                               const message::DecodedMessage& decoded, const message::Codec& codec,
                               const Identity* identity) {
  auto* guard = gateway_.replay_guard();
  if (!guard) return true;
  const auto verdict = guard->admit(decoded.stamp, message::unix_now());
  if (verdict == ReplayGuard::Verdict::fresh) {
    if (auto* cluster = gateway_.hub().cluster()) cluster->admitted(decoded.stamp);
    return true;
  }
  const bool replayed = verdict == ReplayGuard::Verdict::replayed;
  gateway_.metrics().count_replay_refusal(
      session->kind(),
      replayed ? Metrics::ReplayRefusal::replayed : Metrics::ReplayRefusal::before_window);
  spdlog::debug("{} {}: refused a token: {}", session->label(), session->remote_address(),
                to_string(verdict));
  // UDP stays silent: a broadcast probe arrives once per broadcast address, and a replay from a
  // forged address must not make the gateway answer anyone.
  if (session->traits().forgeable_source) return false;
  auto answer =
      replayed ? refusal(409, "this token was already used; make a new token for every message")
               : refusal(409,
                         "this token is older than the gateway's replay window (it "
                         "restarted, or is too busy to remember so far back); make a new "
                         "token and send again");
  answer.data = nlohmann::json{{"reason", to_string(verdict)}};
  reply(session, std::move(answer), &decoded.message, codec, identity);
  return false;
}

KeyHints::Names Dispatcher::hints_for(const Session& session, const Client* connected,
                                      const Identities& identities) {
  if (identities.devices().empty()) return {};
  if (session.traits().connection) {
    KeyHints::Names spoken;
    if (connected)
      if (auto device = connected->device_name(); !device.empty()) {
        spoken.names[0] = std::move(device);
        spoken.count = 1;
      }
    return spoken;
  }
  return gateway_.key_hints().recent(session.host());
}

void Dispatcher::handle_frame(const std::shared_ptr<Session>& session, std::string_view frame) {
  const auto now = std::chrono::steady_clock::now();
  if (session->traits().rate_limited && !within_address_rate(session, now)) return;
  const auto codec = gateway_.codec().current();
  const auto identities = gateway_.identities().current();
  auto connected =
      session->traits().connection ? gateway_.hub().find_connection(*session) : nullptr;
  const auto hints = hints_for(*session, connected.get(), *identities);
  auto read = identities->read(
      *codec, frame, message::unix_now(), hints.list(),
      [this, now](std::size_t keys) { return gateway_.key_search_budget().spend(keys, now); });
  if (read.search_refused) {
    gateway_.metrics().count_rate_limited(session->kind(), Metrics::RateLimit::key_search);
    if (session->traits().forgeable_source) return;
    return reply_error(session, 503, read.decoded.error().text, nullptr, *codec, nullptr);
  }
  const auto& identity = read.identity;  // null when no key signed it
  if (!read.decoded) {
    const auto& error = read.decoded.error();
    gateway_.metrics().count_decode_failure(session->kind(), error.kind);
    gateway_.address_rates().count_undecryptable(session->host(), now);
    spdlog::debug("{} {}: refused a message [{}]: {}", session->label(), session->remote_address(),
                  message::to_string(error.kind), error.text);
    // UDP stays silent: an answer to what we cannot read would make us an amplifier.
    if (session->traits().forgeable_source) return;
    return reply_error(session, 400, error.text, nullptr, *codec, identity.get());
  }
  session->admitted();
  if (identity->device() && !session->traits().connection &&
      (hints.count == 0 || hints.names[0] != identity->name))
    gateway_.key_hints().heard(session->host(), identity->name);
  if (!admitted_once(session, *read.decoded, *codec, identity.get())) return;
  auto& request = read.decoded->message;
  if (gateway_.stopping())
    return reply_error(session, 503, "the gateway is shutting down; try again shortly", &request,
                       *codec, identity.get());
  // A discovery probe: who this gateway is and where it listens; no session is opened.
  if (message::is_probe(request))
    return reply(session, probe_answer(gateway_.server()), &request, *codec, identity.get());
  // A person typed a command as chat text: run it as that command.
  if (request.cmd.empty()) {
    if (auto typed = parse_typed_command(request.text)) {
      request.cmd = std::move(typed->name);
      request.args = std::move(typed->args);
      request.text.clear();
    } else if (auto named = seed_shape_command(request)) {
      request.cmd = std::move(*named);
    }
  }
  run(session, request, identity, *codec, std::move(connected));
}

void Dispatcher::on_too_large(const std::shared_ptr<Session>& session) {
  const auto codec = gateway_.codec().current();
  reply_error(
      session, 413,
      "message over the limit of " + std::to_string(codec->options().max_token_size) + " bytes",
      nullptr, *codec, nullptr);
}

transports::HttpPage Dispatcher::page(std::string_view target) {
  return serve_page(gateway_, target);
}

Dispatcher::Sender Dispatcher::sender_of(const std::shared_ptr<Session>& session,
                                         const Message& request, const IdentityPtr& identity,
                                         std::shared_ptr<Client> connected) {
  auto& hub = gateway_.hub();
  Sender sender;
  auto& client = sender.client;
  if (session->traits().connection) {
    client = std::move(connected);
    // The first token a connection sends makes it that identity's, for good.
    if (client && !hub.bind(client, identity))
      sender.refused = "this connection belongs to " + client->identity()->label() +
                       ": a token under another key cannot use it (open a connection of its own)";
  } else if (!request.token.empty()) {
    client = hub.find_token(request.token);
    // In a cluster, the session of a gateway that died goes on here.
    if (!client && hub.cluster()) client = hub.adopt(request.token, sender.held_by);
    sender.unknown_token = !client;
    if (client && !hub.bind(client, identity))
      sender.refused = "that session token belongs to " + client->identity()->label() +
                       ": a session is used only under the key it was opened with";
  } else if (session->traits().found_by_address) {
    client = hub.find_by_address(session->remote_address());
    // Another identity's session at this address is not this sender's.
    if (client && !hub.bind(client, identity)) client = nullptr;
  }
  if (!client || !sender.refused.empty()) return sender;
  hub.touch(client, session, std::chrono::steady_clock::now());
  // A client that has not named itself is known by the userID it sends, as the original
  // clients, which never handshake on WebSocket, expect.
  // (Not one that is about to resume a session: the name is that session's.)
  if (!request.user_id.empty() && client->name() == client->id() && request.cmd != "resume" &&
      client->first_name_claim())
    hub.claim_name(*client, request.user_id);
  return sender;
}

void Dispatcher::run(const std::shared_ptr<Session>& session, const Message& request,
                     const IdentityPtr& identity, const message::Codec& codec,
                     std::shared_ptr<Client> connected) {
  const auto sender = sender_of(session, request, identity, std::move(connected));
  const auto& client = sender.client;
  if (!sender.refused.empty()) {
    gateway_.metrics().count_permission_refusal(identity->tag(), "session");
    return reply_error(session, 403, sender.refused, &request, codec, identity.get());
  }
  const auto now = std::chrono::steady_clock::now();
  static constexpr Rate unlimited{};  // a part of the gateway paces itself
  const auto& session_rate =
      session->traits().rate_limited ? gateway_.settings().rates.session : unlimited;
  if (client && !client->take_message_token(session_rate, now))
    return refuse_rate(
        session, Metrics::RateLimit::session,
        "rate limit: at most " + per_second(session_rate) + " messages from one client; slow down",
        &request, identity.get(), now);
  // The answer to a request the gateway sent this client: it goes to whoever waits for it. An
  // HTTP request still needs its response.
  if (client && gateway_.outgoing_requests().take_reply(client->id(), request)) {
    if (!session->traits().reply_per_request) return;
    Message received;
    received.text = "reply received";
    return reply(session, std::move(received), &request, codec, identity.get());
  }
  // An answer that nobody awaits (a reply, another gateway's beacon) is not a request. On UDP it
  // gets no answer back: with a forged source address, two gateways would answer each other
  // forever.
  if (session->traits().forgeable_source &&
      (request.code || request.cmd == message::announce_cmd)) {
    gateway_.metrics().count_udp_ignored(Metrics::UdpIgnored::unrequested_answer);
    spdlog::debug("udp {}: ignored an unrequested '{}' answer", session->remote_address(),
                  request.cmd);
    return;
  }
  // SMC's answers: its functions take an object of data, and an unknown one is not found.
  const bool smc_shape = !request.call_func.empty() && request.cmd == request.call_func;
  if (smc_shape && !request.data.empty() && !request.data.parse().is_object())
    return reply_error(session, 400, "incorrect data", &request, codec, identity.get());
  const auto* command = gateway_.commands().find(request.cmd);
  // Not the gateway's own: perhaps a command a client provides.
  const auto provided = command ? std::nullopt : gateway_.services().command(request.cmd);
  if (provided) command = &*provided;
  if (!command)
    return reply_error(
        session, 404,
        smc_shape ? std::string("call_func not found")
                  : "unknown command '" + request.cmd + "'; send cmd 'commands' for the list",
        &request, codec, identity.get());
  if (sender.unknown_token && !sender.held_by.empty() && request.cmd != "handshake")
    return reply_error(session, 409,
                       "this session is gateway " + sender.held_by +
                           "'s, which is up: send there (data.nodes of the handshake lists "
                           "where), or handshake here for a new session",
                       &request, codec, identity.get());
  if (sender.unknown_token && request.cmd != "handshake")
    return reply_error(session, 401,
                       "unknown or expired session token; send handshake for a new session",
                       &request, codec, identity.get());
  if ((command->needs_session || command->permission == Permission::admin) && !client)
    return reply_error(session, 401,
                       "'" + request.cmd +
                           "' needs a session: send handshake first, then put data.session.token "
                           "in the token field of every message",
                       &request, codec, identity.get());
  // The one place permissions are enforced: the command, and what the request touches.
  if (const auto refused =
          PermissionCheck(gateway_.hub()).check(*command, request, *identity, client.get())) {
    gateway_.metrics().count_permission_refusal(identity->tag(), refused->permission);
    spdlog::debug("{} {}: refused '{}' to {}: {}", session->label(), session->remote_address(),
                  request.cmd, identity->tag(), refused->text);
    return reply_error(session, 403, refused->text, &request, codec, identity.get());
  }
  if (!command->blocking) return execute(*command, session, request, client, identity, codec);
  // Off the network thread; the reply goes back through the session from the worker.
  const bool queued =
      gateway_.workers().submit([this, command, session, request, client, identity] {
        execute(*command, session, request, client, identity, *gateway_.codec().current());
      });
  if (!queued)
    reply_error(session, 503,
                "the gateway is busy: " + std::to_string(gateway_.workers().max_queued()) +
                    " slow commands are waiting; try again shortly",
                &request, codec, identity.get());
}

void Dispatcher::execute(const Command& command, const std::shared_ptr<Session>& session,
                         const Message& request, const std::shared_ptr<Client>& client,
                         const IdentityPtr& identity, const message::Codec& codec) {
  std::optional<Message> answer;
  try {
    answer = command.handler(
        CommandContext{request, session, client, identity, gateway_.router(), *this});
  } catch (const std::exception& error) {
    gateway_.metrics().count_handler_exception();
    spdlog::error("command '{}' from {} failed: {}", request.cmd, session->remote_address(),
                  error.what());
    return reply_error(session, 500, "internal error in command '" + request.cmd + "'", &request,
                       codec, identity.get());
  }
  if (answer) reply(session, std::move(*answer), &request, codec, identity.get());
}

void Dispatcher::complete(const std::shared_ptr<Session>& session, Message answer,
                          std::string_view cmd, std::string_view id, const Identity* identity) {
  Message request;
  request.cmd = std::string(cmd);
  request.id = std::string(id);
  reply(session, std::move(answer), &request, *gateway_.codec().current(), identity);
}

void Dispatcher::reply(const std::shared_ptr<Session>& session, Message answer,
                       const Message* request, const message::Codec& codec,
                       const Identity* identity) {
  if (request) {
    if (answer.cmd.empty()) answer.cmd = request->cmd;
    if (answer.id.empty()) answer.id = request->id;
  }
  if (answer.user_id.empty()) answer.user_id = gateway_.server().name;
  answer.timestamp = iso8601_now();
  if (!answer.code) answer.code = 200;
  const auto code = *answer.code;
  if (code < 300 && session->traits().refusals_only) return gateway_.metrics().count_reply(code);
  auto frame = codec.encode(answer, key_for(identity, codec));
  if (!frame) {
    spdlog::error("cannot encode a '{}' reply: {}", answer.cmd, frame.error().text);
    if (code == 500) return session->reply(std::make_shared<const std::string>(), 500);
    return reply_error(session, 500, "the reply could not be encoded: " + frame.error().text,
                       request, codec, identity);
  }
  gateway_.metrics().count_reply(code);
  session->reply(std::make_shared<const std::string>(std::move(*frame)), static_cast<int>(code));
}

void Dispatcher::reply_error(const std::shared_ptr<Session>& session, std::int64_t code,
                             std::string text, const Message* request, const message::Codec& codec,
                             const Identity* identity) {
  reply(session, refusal(code, std::move(text)), request, codec, identity);
}

}  // namespace gw::gateway
