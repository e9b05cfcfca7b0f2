#include <array>

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <gw/gateway/builtin_commands.hpp>
#include <gw/gateway/gateway.hpp>
#include <gw/message/base64url.hpp>

namespace gw::gateway {

namespace {

using message::Message;
using transports::TransportKind;

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

nlohmann::json session_data(Gateway& gateway, const transports::Session& session,
                            const std::string& name) {
  return {{"server", gateway.server().server_json()},
          {"session", {{"id", client_id(session)}, {"token", new_session_token()}, {"name", name}}},
          {"endpoints", gateway.server().endpoints_json()},
          {"commands", command_names(gateway.commands())}};
}

std::optional<Message> handshake(const CommandContext& context) {
  const auto& name =
      context.request.user_id.empty() ? client_id(*context.session) : context.request.user_id;
  Message reply;
  reply.text = "hello " + name + ", this is " + context.gateway.server().name;
  reply.data = session_data(context.gateway, *context.session, name);
  return reply;
}

std::optional<Message> ping(const CommandContext&) {
  Message reply;
  reply.text = "pong";
  reply.data = clock_json();
  return reply;
}

std::optional<Message> error_report(const CommandContext& context) {
  // The report is the client's decrypted text: shown only at debug level.
  spdlog::info("client {} ({}) reports an error ({} bytes of text)", client_id(*context.session),
               context.session->remote_address(), context.request.text.size());
  spdlog::debug("client {} error report: {}", client_id(*context.session), context.request.text);
  Message reply;
  reply.text = "error report received";
  return reply;
}

std::optional<Message> list_commands(const CommandContext& context) {
  auto list = nlohmann::json::array();
  for (const auto* command : context.gateway.commands().list()) {
    if (command->name.empty()) continue;
    list.push_back({{"name", command->name},
                    {"description", command->description},
                    {"permission", to_string(command->permission)}});
  }
  Message reply;
  reply.text = std::to_string(list.size()) + " commands";
  reply.data = std::move(list);
  return reply;
}

// The original relay: a chat message goes to every WebSocket client, its sender included.
std::optional<Message> chat(const CommandContext& context) {
  Message relayed = context.request;
  relayed.token.clear();  // a session token is the sender's alone
  relayed.from = client_id(*context.session);
  auto frame = context.gateway.codec().current()->encode(relayed);
  if (!frame) throw std::runtime_error("cannot encode the relayed message: " + frame.error().text);
  const auto shared = std::make_shared<const std::string>(std::move(*frame));
  const auto delivered = context.gateway.hub().send_to_all(TransportKind::websocket, shared);
  if (context.session->kind() == TransportKind::websocket) return std::nullopt;
  Message reply;  // the sender is not among the recipients: tell it where the message went
  reply.text = "delivered to " + std::to_string(delivered) + " WebSocket clients";
  reply.data = {{"delivered", delivered}};
  return reply;
}

}  // namespace

void add_builtin_commands(CommandRegistry& registry) {
  registry.add({"handshake",
                "Open a session: the gateway's name, id, clock and endpoints, your session id "
                "and token, and the commands",
                Permission::user, handshake});
  registry.add({"ping", "Answer pong with the gateway's clock", Permission::user, ping});
  registry.add({"error", "Report an error to the gateway's log", Permission::user, error_report});
  registry.add({"commands", "List the commands with their descriptions and permissions",
                Permission::user, list_commands});
  registry.add({"help", "Same as commands", Permission::user, list_commands});
  registry.add({"", "A chat message (empty cmd): relayed to every WebSocket client",
                Permission::user, chat});
}

Message welcome_message(Gateway& gateway, const transports::Session& session) {
  Message welcome;
  welcome.cmd = "welcome";
  welcome.code = 200;
  welcome.user_id = gateway.server().name;
  welcome.timestamp = iso8601_now();
  welcome.text = "welcome to " + gateway.server().name;
  welcome.data = session_data(gateway, session, client_id(session));
  return welcome;
}

}  // namespace gw::gateway
