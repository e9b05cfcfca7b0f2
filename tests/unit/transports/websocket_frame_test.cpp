#include "websocket_frame.hpp"

#include <string>

#include <catch2/catch.hpp>

using gw::transports::WebSocketFrameHead;

namespace {
std::string bytes(std::initializer_list<unsigned> values) {
  std::string text;
  for (const auto value : values)
    text.push_back(static_cast<char>(value));
  return text;
}
}  // namespace

TEST_CASE("a text frame's head carries its length in 7, 16 or 64 bits, unmasked", "[websocket]") {
  CHECK(WebSocketFrameHead(0).bytes() == bytes({0x81, 0}));
  CHECK(WebSocketFrameHead(125).bytes() == bytes({0x81, 125}));
  CHECK(WebSocketFrameHead(126).bytes() == bytes({0x81, 126, 0, 126}));
  CHECK(WebSocketFrameHead(396).bytes() == bytes({0x81, 126, 0x01, 0x8c}));
  CHECK(WebSocketFrameHead(65535).bytes() == bytes({0x81, 126, 0xff, 0xff}));
  CHECK(WebSocketFrameHead(65536).bytes() == bytes({0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0}));
}
