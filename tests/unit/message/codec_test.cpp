// The codec is what every transport's bytes pass through: each kind of bad input must be
// refused with its own kind and a message a user can act on.
#include <catch2/catch.hpp>

#include <gw/message/codec.hpp>

using gw::message::Codec;
using gw::message::CodecOptions;
using gw::message::ErrorKind;
using gw::message::Fernet;
using gw::message::KeyRing;
using gw::message::Message;

namespace {

constexpr gw::message::UnixSeconds t0 = 1'700'000'000;

struct Fixture {
  Fernet key = Fernet::generate();
  Codec codec{KeyRing({key}), CodecOptions{std::chrono::seconds{120}, 4096}};

  gw::message::Error refusal(std::string_view token) const {
    auto message = codec.decode(token, t0);
    REQUIRE_FALSE(message);
    return message.error();
  }
  std::string token_of(std::string_view plaintext) const { return key.encrypt(plaintext, t0); }
};

}  // namespace

TEST_CASE("encode then decode gives the message back", "[codec]") {
  Fixture f;
  Message m;
  m.cmd = "publish";
  m.topic = "a/b";
  m.data = nlohmann::json{{"n", 1}};
  auto token = f.codec.encode(m);
  REQUIRE(token);
  auto back = f.codec.decode(*token);
  REQUIRE(back);
  CHECK(*back == m);
}

TEST_CASE("the codec refuses each kind of bad input with its reason", "[codec]") {
  Fixture f;
  const auto good = f.token_of(R"({"cmd":"ping"})");
  REQUIRE(f.codec.decode(good, t0));

  SECTION("truncated") {
    const auto e = f.refusal(good.substr(0, 40));
    CHECK(e.kind == ErrorKind::too_short);
    CHECK(e.text == "token is 30 bytes; a Fernet token has at least 73");
  }
  SECTION("oversized: refused before any decoding") {
    const auto e = f.refusal(std::string(4097, 'A'));
    CHECK(e.kind == ErrorKind::too_large);
    CHECK(e.text == "token is 4097 bytes, over the limit of 4096");
  }
  SECTION("not base64") {
    const auto e = f.refusal("hello world!");
    CHECK(e.kind == ErrorKind::bad_base64);
    CHECK(e.text == "invalid base64url at position 5: whitespace is only allowed around the text");
  }
  SECTION("wrong key") {
    const auto e = f.refusal(Fernet::generate().encrypt(R"({"cmd":"ping"})", t0));
    CHECK(e.kind == ErrorKind::bad_mac);
    CHECK(e.text ==
          "token does not match the key (HMAC mismatch): the key is wrong or the token was "
          "altered");
  }
  SECTION("expired") {
    const auto e = f.refusal(f.key.encrypt(R"({"cmd":"ping"})", t0 - 121));
    CHECK(e.kind == ErrorKind::expired);
    CHECK(e.text ==
          "token expired: made 121 seconds ago, the time-to-live is 120 seconds (is the sender's "
          "clock slow?)");
  }
  SECTION("non-JSON plaintext") {
    const auto e = f.refusal(f.token_of("ping"));
    CHECK(e.kind == ErrorKind::not_json);
    CHECK(e.text == "message is not JSON (syntax error at byte 0)");
  }
  SECTION("JSON array") {
    const auto e = f.refusal(f.token_of(R"(["ping"])"));
    CHECK(e.kind == ErrorKind::not_object);
    CHECK(e.text == "message is a JSON array, expected an object");
  }
  SECTION("wrong field types") {
    const auto e = f.refusal(f.token_of(R"({"cmd":"ping","code":"ok"})"));
    CHECK(e.kind == ErrorKind::bad_field_type);
    CHECK(e.text == R"(field "code" must be an integer)");
    CHECK(f.refusal(f.token_of(R"({"cmd":1})")).text == R"(field "cmd" must be a string)");
  }
  SECTION("invalid UTF-8") {
    const auto e = f.refusal(f.token_of("{\"text\":\"\xfe\"}"));
    CHECK(e.kind == ErrorKind::invalid_utf8);
    CHECK(e.text == "message is not valid UTF-8 (byte 9)");
  }
}

TEST_CASE("a TTL of zero accepts tokens of any age", "[codec]") {
  const Fernet key = Fernet::generate();
  const Codec codec(KeyRing({key}), CodecOptions{std::chrono::seconds{0}});
  CHECK(codec.decode(key.encrypt("{}", 1000), t0));
}

TEST_CASE("a message too large for the limit is not encoded", "[codec]") {
  Fixture f;
  Message m;
  m.text = std::string(4000, 'x');
  auto token = f.codec.encode(m);
  REQUIRE_FALSE(token);
  CHECK(token.error().kind == ErrorKind::too_large);
  CHECK(token.error().text == "message encrypts to a token of 5496 bytes, over the limit of 4096");
}

TEST_CASE("a reader that finds the key itself parses, then opens under that key", "[codec]") {
  Fixture f;
  const Fernet device = Fernet::generate();
  Message m;
  m.cmd = "ping";
  m.id = "1";
  auto token = f.codec.encode(m, device);
  REQUIRE(token);
  // Not under the ring's key, so the codec alone cannot read it.
  CHECK(f.codec.decode(*token).error().kind == ErrorKind::bad_mac);
  auto parsed = f.codec.parse(*token);
  REQUIRE(parsed);
  auto opened = f.codec.open(*parsed, device, gw::message::unix_now());
  REQUIRE(opened);
  CHECK(opened->message == m);
  CHECK(opened->stamp.timestamp == static_cast<gw::message::UnixSeconds>(parsed->timestamp()));
  CHECK(std::equal(opened->stamp.mac.begin(), opened->stamp.mac.end(), parsed->mac().begin()));
  CHECK(f.codec.open(*parsed, f.key, gw::message::unix_now()).error().kind == ErrorKind::bad_mac);

  SECTION("the size limit and the token's shape come first") {
    CHECK(f.codec.parse(std::string(5000, 'A')).error().kind == ErrorKind::too_large);
    CHECK(f.codec.parse("gAAAAA").error().kind == ErrorKind::bad_base64);
  }
  SECTION("opened, a token is judged as decode judges it") {
    auto old = f.codec.parse(device.encrypt("{}", t0));
    REQUIRE(old);
    CHECK(f.codec.open(*old, device, t0 + 1000).error().kind == ErrorKind::expired);
    auto not_json = f.codec.parse(device.encrypt("nope", t0));
    CHECK(f.codec.open(*not_json, device, t0).error().kind == ErrorKind::not_json);
  }
}

TEST_CASE("the plaintext of a message is its JSON, within the size limit", "[codec]") {
  Fixture f;
  Message m;
  m.text = "hi";
  CHECK(*f.codec.plaintext_of(m) == *m.to_json());
  m.text = std::string(4000, 'x');
  CHECK(f.codec.plaintext_of(m).error().kind == ErrorKind::too_large);
  CHECK(f.codec.encode(m, Fernet::generate()).error().kind == ErrorKind::too_large);
}
