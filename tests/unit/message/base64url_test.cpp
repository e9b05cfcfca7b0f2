#include <random>

#include <catch2/catch.hpp>

#include <gw/message/base64url.hpp>

namespace base64url = gw::message::base64url;
using gw::message::ErrorKind;

namespace {

std::string decode_text(std::string_view text) {
  auto bytes = base64url::decode(text);
  REQUIRE(bytes);
  return {bytes->begin(), bytes->end()};
}

std::string encode_text(std::string_view text) {
  return base64url::encode(
      std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string refusal(std::string_view text) {
  auto bytes = base64url::decode(text);
  REQUIRE_FALSE(bytes);
  CHECK(bytes.error().kind == ErrorKind::bad_base64);
  return bytes.error().text;
}

}  // namespace

TEST_CASE("base64url matches RFC 4648 test vectors", "[base64url]") {
  const std::pair<const char*, const char*> cases[] = {{"", ""},
                                                       {"f", "Zg=="},
                                                       {"fo", "Zm8="},
                                                       {"foo", "Zm9v"},
                                                       {"foob", "Zm9vYg=="},
                                                       {"fooba", "Zm9vYmE="},
                                                       {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : cases) {
    CHECK(encode_text(plain) == encoded);
    CHECK(decode_text(encoded) == plain);
  }
}

TEST_CASE("base64url uses - and _ where base64 uses + and /", "[base64url]") {
  CHECK(encode_text("\xfb\xff\xbf") == "-_-_");
  CHECK(decode_text("-_-_") == "\xfb\xff\xbf");
}

TEST_CASE("base64url round-trips every length and byte", "[base64url]") {
  std::mt19937 random(42);
  for (std::size_t size = 0; size < 200; ++size) {
    std::vector<std::uint8_t> bytes(size);
    for (auto& b : bytes)
      b = static_cast<std::uint8_t>(random());
    const auto text = base64url::encode(bytes);
    CHECK(text.size() == base64url::encoded_size(size));
    auto back = base64url::decode(text);
    REQUIRE(back);
    CHECK(*back == bytes);
  }
}

TEST_CASE("base64url ignores surrounding ASCII whitespace", "[base64url]") {
  CHECK(decode_text(" \t\r\nZm9v\r\n") == "foo");
  CHECK(decode_text("Zm9v\n") == "foo");
}

TEST_CASE("base64url refuses what is not strict padded base64url", "[base64url]") {
  CHECK(refusal("Zm9vYg") ==
        "invalid base64url: 6 characters is not a multiple of 4 (is the '=' padding missing?)");
  CHECK(refusal("Zm+v") ==
        "invalid base64url at position 2: '+' is standard base64, not base64url (use '-' and "
        "'_')");
  CHECK(refusal("Zm/v") ==
        "invalid base64url at position 2: '/' is standard base64, not base64url (use '-' and "
        "'_')");
  CHECK(refusal("Zm 9v") ==
        "invalid base64url: 5 characters is not a multiple of 4 (is the '=' "
        "padding missing?)");
  CHECK(refusal("Zm9 vYmE") ==
        "invalid base64url at position 3: whitespace is only allowed around the text");
  CHECK(refusal("Zg==Zm9v") ==
        "invalid base64url at position 2: '=' is padding and may only end the text");
  CHECK(refusal("Z===") ==
        "invalid base64url at position 1: '=' is padding and may only end the text");
  CHECK(refusal("%%%%") == "invalid base64url at position 0: '%' is not a base64url character");
  CHECK(refusal("Zm9\xff") ==
        "invalid base64url at position 3: byte 0xff is not a base64url character");
  CHECK(refusal("Zh==") ==
        "invalid base64url at position 1: non-zero bits after the last byte (not canonical "
        "base64url)");
  // Positions count from the start of the text as given, whitespace included.
  CHECK(refusal("  Zm+v") ==
        "invalid base64url at position 4: '+' is standard base64, not base64url (use '-' and "
        "'_')");
}
