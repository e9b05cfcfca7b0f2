#include "broker_mapping.hpp"

#include <nlohmann/json.hpp>

#include <gw/gateway/topic.hpp>

namespace gw::mqtt {

using message::Message;

bool came_from_a_bridge(const Message& delivered) {
  return delivered.from.size() > bridge_part.size() && delivered.from.starts_with(bridge_part) &&
         delivered.from[bridge_part.size()] == ':';
}

namespace {
bool is_publication(const Message& message) {
  return !message.topic.empty() && !message.code &&
         (message.cmd.empty() || message.cmd == "publish");
}
}  // namespace

std::variant<ToBroker, NotExported> to_broker(const Message& delivered, std::string_view token,
                                              Payload payload) {
  if (!is_publication(delivered)) return NotExported::not_a_publication;
  if (came_from_a_bridge(delivered)) return NotExported::came_from_a_bridge;
  ToBroker out{delivered.topic, {}, delivered.retain};
  if (payload == Payload::fernet)
    out.payload = std::string(token);
  else
    out.payload = delivered.data.empty() ? delivered.text : delivered.data.text();
  return out;
}

std::variant<Message, Skipped> from_broker(std::string_view topic, std::string_view payload,
                                           bool retain, std::string_view sender) {
  if (auto problem = gateway::topic::check_name(topic))
    return Skipped{"topic '" + std::string(topic) + "' cannot be a gw topic: " + *problem};
  Message message;
  message.cmd = "publish";
  message.topic = std::string(topic);
  message.retain = retain;
  message.user_id = std::string(sender);
  // JSON that means something goes in data; "null" would be read as no data at all.
  if (payload != "null" && nlohmann::json::accept(payload))
    message.data = message::JsonText::from_checked(payload);
  else
    message.text = std::string(payload);
  return message;
}

std::optional<std::string> fernet_import_problem(const Message& carried, std::string_view topic) {
  if (!carried.cmd.empty() && carried.cmd != "publish")
    return "a fernet payload carries a publication, not the command '" + carried.cmd + "'";
  if (carried.topic != topic)
    return "a fernet payload's topic ('" + carried.topic +
           "') is not the MQTT topic it came on ('" + std::string(topic) + "')";
  return std::nullopt;
}

}  // namespace gw::mqtt
