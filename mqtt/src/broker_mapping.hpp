#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <gw/gateway/mqtt_bridge_spec.hpp>
#include <gw/message/message.hpp>

// How a message crosses between gw and an MQTT broker, both ways (docs/operations.md shows
// the mapping with examples).
namespace gw::mqtt {

using Payload = gateway::MqttBridgeSpec::Payload;

// The part name of the bridges' sessions: their clients' ids are "mqtt:N", which no other
// client, name or device can be, so a publication that came in from any bridge of any gateway
// of a cluster is known by its `from`.
inline constexpr std::string_view bridge_part = "mqtt";
bool came_from_a_bridge(const message::Message& delivered);

struct ToBroker {
  std::string topic;
  std::string payload;
  bool retain = false;
};
enum class NotExported {
  not_a_publication,   // a reply or a notice to the bridge's client
  came_from_a_bridge,  // it came in from MQTT: sending it out again could loop
};
// What a publication delivered to a bridge becomes on the broker: the same topic, and as the
// payload (json) its `data` as JSON text, or its `text` when it has no data; (fernet) `token`,
// the whole token. A retained message handed out stays retained.
std::variant<ToBroker, NotExported> to_broker(const message::Message& delivered,
                                              std::string_view token, Payload payload);

// A broker's publication as a publish request into gw (json): the payload in `data` when it is
// JSON, else in `text`; a retained one is retained, and an empty retained one clears the
// topic's. `sender` becomes its userID. Nothing, with why, when gw cannot carry the topic.
struct Skipped {
  std::string why;
};
std::variant<message::Message, Skipped> from_broker(std::string_view topic,
                                                    std::string_view payload, bool retain,
                                                    std::string_view sender);

// A publication a fernet payload may carry into gw: a chat or publish to the very topic it came
// on (what a bridge exports is one). Why not, when it is something else.
std::optional<std::string> fernet_import_problem(const message::Message& carried,
                                                 std::string_view topic);

}  // namespace gw::mqtt
