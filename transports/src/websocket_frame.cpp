#include "websocket_frame.hpp"

#include <cstdint>

namespace gw::transports {

WebSocketFrameHead::WebSocketFrameHead(std::size_t payload_size, WebSocketOpcode opcode) noexcept {
  bytes_[0] = static_cast<char>(0x80 | static_cast<unsigned>(opcode));  // FIN: never fragmented
  if (payload_size < 126) {
    bytes_[1] = static_cast<char>(payload_size);
    size_ = 2;
  } else if (payload_size <= 0xffff) {
    bytes_[1] = 126;
    bytes_[2] = static_cast<char>(payload_size >> 8);
    bytes_[3] = static_cast<char>(payload_size & 0xff);
    size_ = 4;
  } else {
    bytes_[1] = 127;
    const auto length = static_cast<std::uint64_t>(payload_size);
    for (int i = 0; i < 8; ++i)
      bytes_[2 + i] = static_cast<char>((length >> (8 * (7 - i))) & 0xff);
    size_ = 10;
  }
}

}  // namespace gw::transports
