#include "provided_services.hpp"

#include <exception>
#include <iostream>

namespace gw::client {

namespace {

bool from_the_gateway(const message::Message& message) {
  return message.id.starts_with("gw-") && !message.code;
}

}  // namespace

void ProvidedServices::add(const std::string& name, ServiceHandler handler,
                           std::string description) {
  services_[name] = Service{std::move(handler), std::move(description)};
}

void ProvidedServices::remove(const std::string& name) {
  services_.erase(name);
}

std::vector<message::Message> ProvidedServices::provide_requests() const {
  std::vector<message::Message> requests;
  for (const auto& [name, service] : services_) {
    message::Message request;
    request.cmd = "provide";
    request.args = name;
    request.data = nlohmann::json{{"description", service.description}};
    requests.push_back(std::move(request));
  }
  return requests;
}

message::Message ProvidedServices::reply_to(const message::Message& call, message::Message answer) {
  message::Message reply;
  reply.cmd = call.cmd;
  reply.id = call.id;
  reply.code = answer.code.value_or(200);
  reply.text = std::move(answer.text);
  reply.data = std::move(answer.data);
  return reply;
}

bool ProvidedServices::answer(const message::Message& message, const Send& send) const {
  if (!from_the_gateway(message)) return false;
  if (const auto found = services_.find(message.cmd); found != services_.end()) {
    std::optional<message::Message> answer;
    try {
      answer = found->second.handler(message);
    } catch (const std::exception& error) {
      // The caller hears of it; the provider goes on.
      answer.emplace();
      answer->code = 500;
      answer->text = std::string("the service failed: ") + error.what();
    }
    if (answer) send(reply_to(message, std::move(*answer)));
    return true;
  }
  if (message.cmd != "ping") return false;
  message::Message pong;
  pong.text = "pong";
  send(reply_to(message, std::move(pong)));  // the ping service measures our round trip
  return true;
}

}  // namespace gw::client
