#include "broker_mapping.hpp"

#include <catch2/catch.hpp>

using gw::message::JsonText;
using gw::message::Message;
using gw::mqtt::came_from_a_bridge;
using gw::mqtt::fernet_import_problem;
using gw::mqtt::from_broker;
using gw::mqtt::NotExported;
using gw::mqtt::Payload;
using gw::mqtt::Skipped;
using gw::mqtt::to_broker;
using gw::mqtt::ToBroker;

namespace {
Message publication(std::string topic) {
  Message message;
  message.cmd = "publish";
  message.topic = std::move(topic);
  message.from = "c7";
  return message;
}
}  // namespace

TEST_CASE("a publication goes to the broker as its data, else its text", "[mqtt]") {
  auto message = publication("home/kitchen/t");
  message.data = JsonText::from_checked(R"({"celsius": 21.5})");
  message.text = "ignored while there is data";
  auto out = std::get<ToBroker>(to_broker(message, "TOKEN", Payload::json));
  CHECK(out.topic == "home/kitchen/t");
  CHECK(out.payload == R"({"celsius": 21.5})");
  CHECK_FALSE(out.retain);

  auto text = publication("home/note");
  text.text = "window open";
  text.retain = true;  // a retained one handed out, or one published as retained
  out = std::get<ToBroker>(to_broker(text, "TOKEN", Payload::json));
  CHECK(out.payload == "window open");
  CHECK(out.retain);

  out = std::get<ToBroker>(to_broker(text, "TOKEN", Payload::fernet));
  CHECK(out.payload == "TOKEN");  // the whole token: the broker learns nothing
}

TEST_CASE("replies, notices and what came from a bridge are not exported", "[mqtt]") {
  Message reply = publication("home/t");
  reply.code = 200;
  CHECK(std::get<NotExported>(to_broker(reply, "", Payload::json)) ==
        NotExported::not_a_publication);
  Message notice;
  notice.cmd = "rename";
  CHECK(std::get<NotExported>(to_broker(notice, "", Payload::json)) ==
        NotExported::not_a_publication);
  Message chat = publication("home/t");
  chat.cmd.clear();  // a chat message to a topic is a publication too
  CHECK(std::holds_alternative<ToBroker>(to_broker(chat, "", Payload::json)));

  auto bridged = publication("home/t");
  bridged.from = "mqtt:12@kitchen";  // a bridge of any gateway of a cluster
  CHECK(came_from_a_bridge(bridged));
  CHECK(std::get<NotExported>(to_broker(bridged, "", Payload::json)) ==
        NotExported::came_from_a_bridge);
  for (const auto* other : {"c12", "mqtt", "mqtt-sensor", "mqttx:1", "anonymous"}) {
    bridged.from = other;
    CHECK_FALSE(came_from_a_bridge(bridged));
  }
}

TEST_CASE("a broker's payload comes into data when it is JSON, else into text", "[mqtt]") {
  auto in = std::get<Message>(
      from_broker("zigbee2mqtt/door", R"({"contact":false})", false, "home-broker"));
  CHECK(in.cmd == "publish");
  CHECK(in.topic == "zigbee2mqtt/door");
  CHECK(in.data.text() == R"({"contact":false})");
  CHECK(in.text.empty());
  CHECK(in.user_id == "home-broker");
  CHECK_FALSE(in.retain);

  CHECK(std::get<Message>(from_broker("t/a", "42", false, "b")).data.text() == "42");
  CHECK(std::get<Message>(from_broker("t/a", "ON", false, "b")).text == "ON");
  CHECK(std::get<Message>(from_broker("t/a", "{broken", false, "b")).text == "{broken");
  // "null" would be read as no data at all.
  CHECK(std::get<Message>(from_broker("t/a", "null", false, "b")).text == "null");

  const auto retained = std::get<Message>(from_broker("t/a", "", true, "b"));
  CHECK(retained.retain);  // empty and retained: clears the topic's retained message
  CHECK(retained.text.empty());
  CHECK(retained.data.empty());
}

TEST_CASE("topics gw cannot carry are skipped with the reason", "[mqtt]") {
  const auto long_topic = "a/" + std::string(300, 'x');
  const auto skipped = std::get<Skipped>(from_broker(long_topic, "x", false, "b"));
  CHECK(skipped.why.find("256") != std::string::npos);
  CHECK(std::holds_alternative<Skipped>(from_broker("a/\x01", "x", false, "b")));
  CHECK(std::holds_alternative<Skipped>(from_broker("", "x", false, "b")));
}

TEST_CASE("a fernet payload carries a publication to the topic it came on", "[mqtt]") {
  auto carried = publication("sealed/lock");
  CHECK_FALSE(fernet_import_problem(carried, "sealed/lock"));
  carried.cmd.clear();
  CHECK_FALSE(fernet_import_problem(carried, "sealed/lock"));
  CHECK(fernet_import_problem(carried, "sealed/other"));
  carried.cmd = "kick";
  CHECK(fernet_import_problem(carried, "sealed/lock")->find("kick") != std::string::npos);
}
