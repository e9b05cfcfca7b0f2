#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace gw::transports {

// The head of a server's WebSocket text frame (RFC 6455, 5.2): FIN and the text opcode, then
// the payload's length in 7, 16 or 64 bits; a server's frames are not masked. The gateway
// writes a message's frame itself, head and payload straight into the connection's buffer:
// going through Beast's write operation cost more per delivery than the rest of a fan-out.
class WebSocketFrameHead {
 public:
  explicit WebSocketFrameHead(std::size_t payload_size) noexcept;
  std::string_view bytes() const noexcept { return {bytes_.data(), size_}; }

 private:
  std::array<char, 10> bytes_{};
  std::size_t size_ = 0;
};

}  // namespace gw::transports
