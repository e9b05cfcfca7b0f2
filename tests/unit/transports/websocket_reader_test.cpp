#include "websocket_reader.hpp"

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "websocket_reading.hpp"

namespace {

using gw::transports::WebSocketOpcode;
using gw::transports::WebSocketReader;
using Kind = WebSocketReader::Event::Kind;

struct FrameSpec {
  WebSocketOpcode opcode = WebSocketOpcode::text;
  std::string payload;
  bool fin = true;
  bool masked = true;
  unsigned reserved = 0;  // RSV1-3, as bits 4-6 of the first byte
  int length_bytes = -1;  // 0, 2 or 8: the length's form; -1: the shortest
};

// A frame as a client writes it (RFC 6455, 5.2), masked with a fixed key.
std::string frame(const FrameSpec& spec) {
  std::string bytes;
  bytes.push_back(static_cast<char>((spec.fin ? 0x80 : 0) | (spec.reserved << 4) |
                                    static_cast<unsigned>(spec.opcode)));
  const auto size = spec.payload.size();
  const int form = spec.length_bytes >= 0 ? spec.length_bytes
                   : size < 126           ? 0
                   : size <= 0xffff       ? 2
                                          : 8;
  const char mask_bit = spec.masked ? static_cast<char>(0x80) : 0;
  if (form == 0) {
    bytes.push_back(static_cast<char>(mask_bit | static_cast<char>(size)));
  } else {
    bytes.push_back(static_cast<char>(mask_bit | (form == 2 ? 126 : 127)));
    for (int i = form - 1; i >= 0; --i)
      bytes.push_back(static_cast<char>((size >> (8 * i)) & 0xff));
  }
  const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
  if (spec.masked) bytes.append(reinterpret_cast<const char*>(key), 4);
  for (std::size_t i = 0; i < size; ++i)
    bytes.push_back(static_cast<char>(spec.payload[i] ^ (spec.masked ? key[i % 4] : 0)));
  return bytes;
}

std::string text_frame(std::string payload) {
  return frame({.payload = std::move(payload)});
}

using Seen = gw::test::ReadEvent;

std::vector<Seen> events(const std::string& bytes, std::size_t piece = 0,
                         std::size_t limit = 64 * 1024) {
  return gw::test::read_events(bytes, piece, limit);
}

Seen failure(const std::string& bytes) {
  const auto seen = events(bytes);
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.back().kind == Kind::failed);
  return seen.back();
}

}  // namespace

TEST_CASE("a message in one frame and one read is unmasked where it lies", "[websocket]") {
  std::string bytes = text_frame("a token of a message");
  WebSocketReader reader(1024);
  std::span<char> input(bytes);
  const auto event = reader.read(input);
  CHECK(event.kind == Kind::message);
  CHECK(event.text);
  CHECK(event.payload == "a token of a message");
  CHECK(event.payload.data() == bytes.data() + 6);  // no copy: two head bytes, four of mask
  CHECK(input.empty());
  CHECK(reader.read(input).kind == Kind::need_more);
}

TEST_CASE("frames read the same in pieces of any size", "[websocket]") {
  const std::string long_one(70000, 'x');
  const std::string bytes = text_frame("short") + text_frame(std::string(300, 'm')) +
                            frame({.opcode = WebSocketOpcode::ping, .payload = "are you there"}) +
                            text_frame(long_one);
  const auto whole = events(bytes, 0, 100000);
  REQUIRE(whole.size() == 4);
  CHECK(whole[0].payload == "short");
  CHECK(whole[2] == Seen{Kind::ping, "are you there", 0, false});
  CHECK(whole[3].payload == long_one);
  for (const std::size_t piece : {1, 2, 3, 7, 125, 4096})
    CHECK(events(bytes, piece, 100000) == whole);
}

TEST_CASE("a fragmented message is joined, with control frames between its fragments",
          "[websocket]") {
  const auto bytes =
      frame({.payload = "one ", .fin = false}) +
      frame({.opcode = WebSocketOpcode::ping, .payload = "p"}) +
      frame({.opcode = WebSocketOpcode::continuation, .payload = "two ", .fin = false}) +
      frame({.opcode = WebSocketOpcode::pong, .payload = ""}) +
      frame({.opcode = WebSocketOpcode::continuation, .payload = "three"});
  const std::vector<Seen> expected{{Kind::ping, "p", 0, false},
                                   {Kind::pong, "", 0, false},
                                   {Kind::message, "one two three", 0, true}};
  CHECK(events(bytes) == expected);
  CHECK(events(bytes, 3) == expected);
}

TEST_CASE("a binary message is not checked for UTF-8; a text one is", "[websocket]") {
  const std::string not_utf8 = "\xc3\x28 not UTF-8";
  CHECK(events(frame({.opcode = WebSocketOpcode::binary, .payload = not_utf8})) ==
        std::vector<Seen>{{Kind::message, not_utf8, 0, false}});
  const auto refused = failure(text_frame(not_utf8));
  CHECK(refused.code == 1007);
  // A code point split between fragments is whole once joined.
  CHECK(events(frame({.payload = "\xc3", .fin = false}) +
               frame({.opcode = WebSocketOpcode::continuation, .payload = "\xa9"})) ==
        std::vector<Seen>{{Kind::message, "\xc3\xa9", 0, true}});
}

TEST_CASE("a message over the limit fails as soon as its head says so", "[websocket]") {
  const auto bytes = text_frame(std::string(2000, 'x'));
  WebSocketReader reader(1000);
  std::string head = bytes.substr(0, 8);  // the head alone: 2 bytes, a 16-bit length, the mask
  std::span<char> input(head);
  const auto event = reader.read(input);
  CHECK(event.kind == Kind::failed);
  CHECK(event.code == 1009);
  CHECK(event.payload == "a message over the limit of 1000 bytes");
  // Fragments count together.
  const auto fragments =
      frame({.payload = std::string(600, 'x'), .fin = false}) +
      frame({.opcode = WebSocketOpcode::continuation, .payload = std::string(600, 'y')});
  CHECK(events(fragments, 0, 1000).back().code == 1009);
  CHECK(events(fragments, 0, 1200).back().kind == Kind::message);
}

TEST_CASE("frames that break the protocol fail with 1002, and stay failed", "[websocket]") {
  const std::vector<std::pair<std::string, std::string>> broken{
      {frame({.payload = "x", .masked = false}), "an unmasked frame: clients mask theirs"},
      {frame({.payload = "x", .reserved = 4}), "reserved bits set: no extension was agreed"},
      {frame({.opcode = WebSocketOpcode{3}, .payload = "x"}), "an unknown opcode"},
      {frame({.opcode = WebSocketOpcode{11}, .payload = "x"}), "an unknown opcode"},
      {frame({.opcode = WebSocketOpcode::ping, .payload = "x", .fin = false}),
       "a fragmented control frame"},
      {frame({.opcode = WebSocketOpcode::ping, .payload = std::string(126, 'x')}),
       "a control frame over 125 bytes"},
      {frame({.opcode = WebSocketOpcode::continuation, .payload = "x"}),
       "a continuation frame with no message to continue"},
      {frame({.payload = "x", .fin = false}) + text_frame("y"),
       "a new message before the last one's final frame"},
      {frame({.payload = "x", .length_bytes = 2}), "a length not in its shortest form"},
      {frame({.payload = std::string(200, 'x'), .length_bytes = 8}),
       "a length not in its shortest form"},
      {frame({.opcode = WebSocketOpcode::close, .payload = "x"}), "a close frame with half a code"},
      {frame({.opcode = WebSocketOpcode::close, .payload = std::string("\x03\xed", 2)}),
       "a close code no endpoint may send"},  // 1005: only ever meant "none was sent"
  };
  for (const auto& [bytes, why] : broken) {
    const auto refused = failure(bytes);
    CHECK(refused.code == 1002);
    CHECK(refused.payload == why);
  }
  WebSocketReader reader(1024);
  std::string bytes = frame({.payload = "x", .masked = false}) + text_frame("fine");
  std::span<char> input(bytes);
  CHECK(reader.read(input).kind == Kind::failed);
  CHECK(reader.read(input).kind == Kind::failed);
}

TEST_CASE("a close frame gives its code and reason, or 1005 when it has none", "[websocket]") {
  CHECK(events(frame({.opcode = WebSocketOpcode::close, .payload = ""})) ==
        std::vector<Seen>{{Kind::close, "", 1005, false}});
  CHECK(events(frame({.opcode = WebSocketOpcode::close,
                      .payload = "\x03\xe8"
                                 "bye"})) == std::vector<Seen>{{Kind::close, "bye", 1000, false}});
  CHECK(events(frame({.opcode = WebSocketOpcode::close, .payload = "\x0f\xa0"})).back().code ==
        4000);  // an application's own code
  CHECK(failure(frame({.opcode = WebSocketOpcode::close, .payload = "\x03\xe8\xff"})).code == 1007);
}

TEST_CASE("random frames split at random read back as they were sent", "[websocket]") {
  std::mt19937 random(20261205);
  for (int round = 0; round < 300; ++round) {
    std::string bytes;
    std::vector<Seen> sent;
    const int messages = 1 + static_cast<int>(random() % 5);
    for (int m = 0; m < messages; ++m) {
      const bool text = random() % 2 == 0;
      std::string message(random() % 700, 'a');
      for (auto& c : message)
        c = static_cast<char>('a' + random() % 26);
      const auto fragments = 1 + random() % 4;
      std::size_t at = 0;
      for (std::size_t f = 0; f < fragments; ++f) {
        const bool last = f + 1 == fragments;
        const auto size =
            last ? message.size() - at : std::min<std::size_t>(random() % 200, message.size() - at);
        bytes += frame({.opcode = f > 0  ? WebSocketOpcode::continuation
                                  : text ? WebSocketOpcode::text
                                         : WebSocketOpcode::binary,
                        .payload = message.substr(at, size),
                        .fin = last});
        at += size;
        if (!last && random() % 3 == 0) {
          bytes += frame({.opcode = WebSocketOpcode::ping, .payload = "between"});
          sent.push_back({Kind::ping, "between", 0, false});
        }
      }
      sent.push_back({Kind::message, message, 0, text});
    }
    const auto piece = static_cast<std::size_t>(1 + random() % 600);
    INFO("round " << round << ", pieces of " << piece);
    REQUIRE(events(bytes, piece) == sent);
  }
}
