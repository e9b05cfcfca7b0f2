#include <exception>

#include <spdlog/spdlog.h>

#include <gw/gateway/builtin_commands.hpp>
#include <gw/gateway/dispatcher.hpp>
#include <gw/gateway/gateway.hpp>
#include <gw/gateway/pages.hpp>

namespace gw::gateway {

using message::Message;
using transports::Session;
using transports::TransportKind;

void Dispatcher::on_open(const std::shared_ptr<Session>& session) {
  gateway_.hub().add(session);
  spdlog::debug("{} client {} connected from {}", transports::to_string(session->kind()),
                client_id(*session), session->remote_address());
  if (session->kind() != TransportKind::websocket) return;
  const auto codec = gateway_.codec().current();
  auto frame = codec->encode(welcome_message(gateway_, *session));
  if (!frame) return spdlog::error("cannot encode the welcome message: {}", frame.error().text);
  session->send(std::make_shared<const std::string>(std::move(*frame)));
}

void Dispatcher::on_close(const Session& session) {
  gateway_.hub().remove(session);
  spdlog::debug("{} client {} disconnected", transports::to_string(session.kind()),
                client_id(session));
}

void Dispatcher::on_frame(const std::shared_ptr<Session>& session, std::string_view frame) {
  const auto codec = gateway_.codec().current();
  auto request = codec->decode(frame);
  if (!request) {
    const auto& error = request.error();
    gateway_.metrics().count_decode_failure(session->kind(), error.kind);
    spdlog::debug("{} {}: refused a message [{}]: {}", transports::to_string(session->kind()),
                  session->remote_address(), message::to_string(error.kind), error.text);
    // UDP stays silent: an answer to what we cannot read would make us an amplifier.
    if (session->kind() == TransportKind::udp) return;
    return reply_error(session, 400, error.text, nullptr, *codec);
  }
  if (gateway_.stopping())
    return reply_error(session, 503, "the gateway is shutting down; try again shortly", &*request,
                       *codec);
  run(session, *request, *codec);
}

void Dispatcher::on_too_large(const std::shared_ptr<Session>& session) {
  const auto codec = gateway_.codec().current();
  reply_error(
      session, 413,
      "message over the limit of " + std::to_string(codec->options().max_token_size) + " bytes",
      nullptr, *codec);
}

transports::HttpPage Dispatcher::page(std::string_view target) {
  return serve_page(gateway_, target);
}

void Dispatcher::run(const std::shared_ptr<Session>& session, const Message& request,
                     const message::Codec& codec) {
  const auto* command = gateway_.commands().find(request.cmd);
  if (!command)
    return reply_error(session, 404,
                       "unknown command '" + request.cmd + "'; send cmd 'commands' for the list",
                       &request, codec);
  std::optional<Message> answer;
  try {
    answer = command->handler(CommandContext{request, session, gateway_});
  } catch (const std::exception& error) {
    gateway_.metrics().count_handler_exception();
    spdlog::error("command '{}' from {} failed: {}", request.cmd, session->remote_address(),
                  error.what());
    return reply_error(session, 500, "internal error in command '" + request.cmd + "'", &request,
                       codec);
  }
  if (answer) reply(session, std::move(*answer), &request, codec);
}

void Dispatcher::reply(const std::shared_ptr<Session>& session, Message answer,
                       const Message* request, const message::Codec& codec) {
  if (request) {
    if (answer.cmd.empty()) answer.cmd = request->cmd;
    if (answer.id.empty()) answer.id = request->id;
  }
  if (answer.user_id.empty()) answer.user_id = gateway_.server().name;
  answer.timestamp = iso8601_now();
  if (!answer.code) answer.code = 200;
  const auto code = *answer.code;
  auto frame = codec.encode(answer);
  if (!frame) {
    spdlog::error("cannot encode a '{}' reply: {}", answer.cmd, frame.error().text);
    if (code == 500) return session->reply(std::make_shared<const std::string>(), 500);
    return reply_error(session, 500, "the reply could not be encoded: " + frame.error().text,
                       request, codec);
  }
  gateway_.metrics().count_reply(code);
  session->reply(std::make_shared<const std::string>(std::move(*frame)), static_cast<int>(code));
}

void Dispatcher::reply_error(const std::shared_ptr<Session>& session, std::int64_t code,
                             std::string text, const Message* request,
                             const message::Codec& codec) {
  Message error;
  error.cmd = "error";
  error.code = code;
  error.text = std::move(text);
  reply(session, std::move(error), request, codec);
}

}  // namespace gw::gateway
