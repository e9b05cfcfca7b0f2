#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gw::transports {

// The kinds of WebSocket frame (RFC 6455, 5.2). Control frames have the high bit set.
enum class WebSocketOpcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xa,
};

// The head of a server's WebSocket frame: FIN, the opcode, then the payload's length in 7, 16
// or 64 bits; a server's frames are not masked. The gateway writes each frame itself, head and
// payload straight into the connection's buffer: going through a library's write operation cost
// more per delivery than the rest of a fan-out.
class WebSocketFrameHead {
 public:
  explicit WebSocketFrameHead(std::size_t payload_size,
                              WebSocketOpcode opcode = WebSocketOpcode::text) noexcept;
  std::string_view bytes() const noexcept { return {bytes_.data(), size_}; }

 private:
  std::array<char, 10> bytes_{};
  std::size_t size_ = 0;
};

}  // namespace gw::transports
