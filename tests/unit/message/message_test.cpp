#include <catch2/catch.hpp>

#include <gw/message/message.hpp>

using gw::message::ErrorKind;
using gw::message::Message;

namespace {

gw::message::Error refusal(std::string_view json) {
  auto message = Message::from_json(json);
  REQUIRE_FALSE(message);
  return message.error();
}

}  // namespace

TEST_CASE("every field survives a round trip", "[message]") {
  Message m;
  m.user_id = "alice";
  m.timestamp = "2026-11-21T10:00:00+00:00";
  m.text = "héllo \"world\"\n";
  m.cmd = "publish";
  m.args = "a b";
  m.id = "42";
  m.token = "session-token";
  m.to = "bob";
  m.topic = "sensors/kitchen/temp";
  m.from = "c7";
  m.code = 200;
  m.retain = true;
  m.offset = 77;
  m.data = nlohmann::json{{"celsius", 21.5}, {"tags", {"a", "b"}}};
  auto json = m.to_json();
  REQUIRE(json);
  auto back = Message::from_json(*json);
  REQUIRE(back);
  CHECK(*back == m);
  CHECK(m.to_object() == nlohmann::json::parse(*json));  // the same fields, as a JSON value
}

TEST_CASE("the original five fields are always written, the others only when set", "[message]") {
  Message m;
  m.cmd = "ping";
  CHECK(*m.to_json() == R"({"userID":"","timestamp":"","text":"","cmd":"ping","args":""})");
  m.code = 404;
  m.to = std::string("x");  // assigning a literal trips GCC 12 bug 105329 (-Wrestrict)
  CHECK(*m.to_json() ==
        R"({"userID":"","timestamp":"","text":"","cmd":"ping","args":"","to":"x","code":404})");
}

TEST_CASE("the original Python client's message is read", "[message]") {
  auto m = Message::from_json(
      R"({"userID": "Pi", "timestamp": "2024-01-01 10:00:00", "text": "hi", "cmd": "handshake", "args": ""})");
  REQUIRE(m);
  CHECK(m->user_id == "Pi");
  CHECK(m->cmd == "handshake");
  CHECK_FALSE(m->code);
  CHECK(m->data.empty());
}

TEST_CASE("unknown fields are ignored and null counts as absent", "[message]") {
  auto m = Message::from_json(R"({"cmd":"ping","colour":"blue","args":null,"code":null})");
  REQUIRE(m);
  CHECK(m->cmd == "ping");
  CHECK(m->args.empty());
  CHECK_FALSE(m->code);
}

TEST_CASE("fields of the wrong type are named", "[message]") {
  CHECK(refusal(R"({"code":"200"})").text == R"(field "code" must be an integer)");
  CHECK(refusal(R"({"code":200.5})").text == R"(field "code" must be an integer)");
  CHECK(refusal(R"({"code":18446744073709551615})").text == R"(field "code" must be an integer)");
  CHECK(refusal(R"({"text":5})").text == R"(field "text" must be a string)");
  CHECK(refusal(R"({"userID":["a"]})").text == R"(field "userID" must be a string)");
  CHECK(refusal(R"({"offset":-1})").text == R"(field "offset" must be a whole number)");
  CHECK(refusal(R"({"offset":"7"})").text == R"(field "offset" must be a whole number)");
  CHECK(refusal(R"({"to":{}})").kind == ErrorKind::bad_field_type);
  auto negative = Message::from_json(R"({"code":-1})");
  REQUIRE(negative);
  CHECK(*negative->code == -1);
}

TEST_CASE("plaintexts that are not a JSON object are refused with the reason", "[message]") {
  CHECK(refusal("").kind == ErrorKind::not_json);
  CHECK(refusal("").text == "message is empty; expected a JSON object");
  CHECK(refusal("hello").kind == ErrorKind::not_json);
  CHECK(refusal("hello").text == "message is not JSON (syntax error at byte 0)");
  CHECK(refusal(R"({"cmd":"ping")").text == "message is not JSON (syntax error at byte 13)");
  CHECK(refusal("[1,2]").kind == ErrorKind::not_object);
  CHECK(refusal("[1,2]").text == "message is a JSON array, expected an object");
  CHECK(refusal("\"text\"").text == "message is a JSON string, expected an object");
  CHECK(refusal("{\"text\":\"caf\xc3\"}").kind == ErrorKind::invalid_utf8);
  CHECK(refusal("{\"text\":\"caf\xc3\"}").text == "message is not valid UTF-8 (byte 12)");
  CHECK(refusal("{\"text\":\"\xed\xa0\x80\"}").text == "message is not valid UTF-8 (byte 9)");
  CHECK(refusal("\xff{}").kind == ErrorKind::invalid_utf8);
}

TEST_CASE("a field that is not UTF-8 cannot be sent", "[message]") {
  Message m;
  m.topic = "bad\xff";
  auto json = m.to_json();
  REQUIRE_FALSE(json);
  CHECK(json.error().kind == ErrorKind::invalid_utf8);
  CHECK(json.error().text == R"(field "topic" is not valid UTF-8 (byte 3))");

  Message d;
  d.data = nlohmann::json{{"k", "\xc0\x80"}};
  CHECK(d.to_json().error().text == R"(field "data" holds text that is not valid UTF-8)");
}
