#include <gw/client/client.hpp>

#include "client_core.hpp"

namespace gw::client {

std::string_view to_string(ConnectionState state) noexcept {
  switch (state) {
    case ConnectionState::connecting:
      return "connecting";
    case ConnectionState::connected:
      return "connected";
    case ConnectionState::reconnecting:
      return "reconnecting";
    case ConnectionState::closed:
      return "closed";
  }
  return "closed";
}

Client Client::connect(std::string_view url, message::KeyRing keys, ClientOptions options) {
  auto core =
      std::make_shared<ClientCore>(GatewayUrl::parse(url), std::move(keys), std::move(options));
  core->start();
  return Client(std::move(core));
}

Client::Client(std::shared_ptr<ClientCore> core) : core_(std::move(core)) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Client::~Client() {
  if (core_) core_->close();
}

message::Message Client::request(message::Message request) {
  return core_->request(std::move(request));
}

void Client::send(message::Message message) {
  core_->send(std::move(message));
}

message::Message Client::ping() {
  message::Message request;
  request.cmd = "ping";
  return core_->request(std::move(request));
}

message::Message Client::publish(std::string topic, std::string text, nlohmann::json data) {
  message::Message request;
  request.cmd = "publish";
  request.topic = std::move(topic);
  request.text = std::move(text);
  request.data = std::move(data);
  return core_->request(std::move(request));
}

message::Message Client::subscribe(std::string filter, MessageHandler handler, std::string since) {
  return core_->subscribe(std::move(filter), std::move(handler), std::move(since));
}

message::Message Client::unsubscribe(const std::string& filter) {
  return core_->unsubscribe(filter);
}

message::Message Client::provide(std::string name, ServiceHandler handler,
                                 std::string description) {
  return core_->provide(std::move(name), std::move(handler), std::move(description));
}

message::Message Client::unprovide(const std::string& name) {
  return core_->unprovide(name);
}

void Client::answer(const message::Message& call, message::Message answer) {
  core_->send(ProvidedServices::reply_to(call, std::move(answer)));
}

void Client::on_message(MessageHandler handler) {
  core_->add_message_handler(std::move(handler));
}
void Client::on_state(StateHandler handler) {
  core_->set_state_handler(std::move(handler));
}
GatewayInfo Client::gateway() const {
  return core_->gateway();
}
ConnectionState Client::state() const {
  return core_->state();
}
const GatewayUrl& Client::url() const {
  return core_->url();
}
void Client::close() {
  core_->close();
}

}  // namespace gw::client
