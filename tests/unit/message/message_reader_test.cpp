// The message reader against the slow, obvious reading through nlohmann's tree
// (message_oracle.hpp), on random messages: right and wrong field types, nulls, repeated keys,
// escapes, Unicode, nesting and blanks, and the same texts with bytes broken.
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include <gw/message/message.hpp>

#include "message_oracle.hpp"

namespace {

using gw::message::Message;
using Json = nlohmann::json;

class RandomMessages {
 public:
  explicit RandomMessages(std::uint32_t seed) : random_(seed) {}

  std::string message() {
    std::string text = "{" + blank();
    const int fields = below(8);
    for (int i = 0; i < fields; ++i) {
      if (i > 0) text += "," + blank();
      text += quoted(field_name()) + blank() + ":" + blank() + value(0) + blank();
    }
    return text + "}";
  }

  // The text with one to three bytes changed, inserted or removed.
  std::string broken(std::string text) {
    for (int n = 1 + below(3); n > 0 && !text.empty(); --n) {
      const auto at = static_cast<std::size_t>(below(static_cast<int>(text.size())));
      switch (below(3)) {
        case 0:
          text[at] = static_cast<char>(below(256));
          break;
        case 1:
          text.insert(at, 1, "{}[]\",:\\0e-.tfn \x80\xed"[below(17)]);
          break;
        default:
          text.erase(at, 1);
          break;
      }
    }
    return text;
  }

 private:
  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }

  std::string blank() {
    static const char* blanks[] = {"", "", "", " ", "\n  ", "\t", "\r\n"};
    return blanks[below(7)];
  }
  std::string field_name() {
    static const char* names[] = {"userID", "timestamp", "text",       "cmd",        "args",
                                  "id",     "token",     "to",         "topic",      "from",
                                  "code",   "retain",    "offset",     "data",       "colour",
                                  "url",    "call_func", "t\\u0065xt", "dat\\u0061", ""};
    return names[below(20)];
  }
  std::string quoted(const std::string& raw) { return "\"" + raw + "\""; }
  std::string string_body() {
    static const char* pieces[] = {
        "a",           "kitchen", " ", "\\n",     "\\\"",           "\\\\",
        "\\/",         "\\u00e9", "é", "€",       "\\ud83d\\ude00", "😀",
        "\\u0000",     "\\t",     "/", "\\udc00", "\\ud800",        "x\\u20acy",
        "\xed\x9f\xbf"};
    std::string body;
    for (int n = below(6); n > 0; --n)
      body += pieces[below(19)];
    return body;
  }
  std::string number() {
    static const char* numbers[] = {"0",
                                    "-0",
                                    "7",
                                    "-1",
                                    "200",
                                    "4294967296",
                                    "-2147483649",
                                    "9223372036854775807",
                                    "9223372036854775808",
                                    "18446744073709551615",
                                    "18446744073709551616",
                                    "-9223372036854775808",
                                    "-9223372036854775809",
                                    "1.5",
                                    "1e2",
                                    "-0.0",
                                    "2E-3",
                                    "1e299",
                                    "1e-299",
                                    "1e309",
                                    "-1e400",
                                    "123456789012345678901234567890"};
    return numbers[below(22)];
  }
  std::string value(int depth) {
    switch (below(depth > 3 ? 6 : 8)) {
      case 0:
        return quoted(string_body());
      case 1:
        return quoted(string_body());
      case 2:
        return number();
      case 3:
        return below(2) ? "true" : "false";
      case 4:
        return "null";
      case 5:
        return quoted(field_name());
      case 6: {
        std::string text = "[" + blank();
        for (int n = below(4), i = 0; i < n; ++i)
          text += (i ? "," + blank() : "") + value(depth + 1);
        return text + blank() + "]";
      }
      default: {
        std::string text = "{" + blank();
        for (int n = below(4), i = 0; i < n; ++i)
          text += (i ? "," : "") + quoted(string_body()) + ":" + blank() + value(depth + 1);
        return text + "}";
      }
    }
  }

  std::mt19937 random_;
};

void check_agrees(const std::string& text) {
  INFO("text: " << Json(text).dump(-1, ' ', true, Json::error_handler_t::replace));
  const auto message = Message::from_json(text);
  if (!gw::test::has_edge_numbers(text)) {
    const auto expected = gw::test::oracle_reading(text);
    REQUIRE(message.has_value() == expected.has_value());
    if (message) CHECK(gw::test::difference(*message, *expected).empty());
  }
  if (!message) return;
  const auto written = message->to_json();
  if (!written) return;  // a lone surrogate's bytes cannot be written
  const auto again = Message::from_json(*written);
  REQUIRE(again);
  CHECK(*again == *message);
  CHECK(Json::parse(*written) == message->to_object());
}

}  // namespace

TEST_CASE("the reader accepts and reads exactly what nlohmann's tree does", "[message]") {
  RandomMessages random(20261205);
  std::size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto text = random.message();
    check_agrees(text);
    check_agrees(random.broken(text));
    accepted += Message::from_json(text).has_value();
  }
  // Both kinds are well represented, or the comparison proves little.
  CHECK(accepted > 2000);
  CHECK(accepted < 18000);
}

TEST_CASE("data is kept as the text it came in, blanks and all", "[message]") {
  const auto m = Message::from_json(R"({"cmd":"x", "data" : { "a": [1, 2.50, "\u00e9"] } })");
  REQUIRE(m);
  CHECK(m->data.text() == R"({ "a": [1, 2.50, "\u00e9"] })");
  CHECK(m->data.parse() == Json{{"a", {1, 2.5, "é"}}});
  CHECK(
      *m->to_json() ==
      R"({"userID":"","timestamp":"","text":"","cmd":"x","args":"","data":{ "a": [1, 2.50, "\u00e9"] }})");
  for (const char* scalar : {"5", "-0.5e3", "\"s\\\"q\"", "true", "false"}) {
    const auto s = Message::from_json(std::string(R"({"data":)") + scalar + "}");
    REQUIRE(s);
    CHECK(s->data.text() == scalar);
  }
  CHECK(Message::from_json(R"({"data":null})")->data.empty());
  CHECK(Message::from_json(R"({"data":{"a":1},"data":[2]})")->data.text() == "[2]");
}

TEST_CASE("of a field given twice the last value counts, also for its type", "[message]") {
  CHECK(Message::from_json(R"({"text":5,"text":"five"})")->text == "five");
  CHECK(Message::from_json(R"({"text":"five","text":null})")->text.empty());
  CHECK_FALSE(Message::from_json(R"({"text":"five","text":5})"));
  CHECK(Message::from_json(R"({"code":"x","code":404})")->code == 404);
}

TEST_CASE("a NUL byte is refused, not taken for the end of the text", "[message]") {
  const auto refused = Message::from_json(std::string_view("{\"id\":\"1\"}\0ta", 14));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().text == "message is not JSON (a NUL byte at byte 10)");
}
