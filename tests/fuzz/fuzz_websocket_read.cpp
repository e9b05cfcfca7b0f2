// The WebSocket read path: a real WebSocket listener on loopback; each input follows a valid
// upgrade request on a new connection, so that it reaches the gateway's frame reader (masking,
// fragments, control frames, the message limit) and the session's read loop.
#include <cstdint>
#include <string_view>

#include "loopback_listener.hpp"

namespace {
constexpr std::string_view upgrade =
    "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gw::fuzz::LoopbackListener::of(gw::transports::TransportKind::websocket)
      .exchange(upgrade, {data, size});
  return 0;
}
