#include "raw_websocket.hpp"

#include <cstdint>

namespace gw::bench {

namespace {
constexpr std::string_view upgrade_request =
    "GET /ws HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
constexpr unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
}  // namespace

RawWebSocket::RawWebSocket(boost::asio::io_context& io, OnText on_text, OnFailure on_failure)
    : BulkClient(io, std::move(on_failure)), on_text_(std::move(on_text)) {}

void RawWebSocket::start(const boost::asio::ip::tcp::endpoint& gateway,
                         std::function<void()> on_open) {
  on_open_ = std::move(on_open);
  connect(gateway, [this] {
    write(upgrade_request);
    read();
  });
}

std::optional<std::size_t> RawWebSocket::split(std::string_view unread) {
  if (upgraded_) return split_frames(unread);
  const auto end = unread.find("\r\n\r\n");
  if (end == std::string_view::npos) return 0;
  if (!unread.starts_with("HTTP/1.1 101")) {
    fail("upgrade refused: " + std::string(unread.substr(0, unread.find('\r'))));
    return std::nullopt;
  }
  upgraded_ = true;
  on_open_();
  const auto frames = split_frames(unread.substr(end + 4));
  if (!frames) return std::nullopt;
  return end + 4 + *frames;
}

std::optional<std::size_t> RawWebSocket::split_frames(std::string_view unread) {
  std::size_t at = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(unread.data());
  while (unread.size() - at >= 2) {
    const unsigned opcode = bytes[at] & 0x0f;
    std::uint64_t length = bytes[at + 1] & 0x7f;
    std::size_t header = 2;
    if (length == 126) {
      if (unread.size() - at < 4) break;
      length = (std::uint64_t{bytes[at + 2]} << 8) | bytes[at + 3];
      header = 4;
    } else if (length == 127) {
      if (unread.size() - at < 10) break;
      length = 0;
      for (int i = 0; i < 8; ++i)
        length = (length << 8) | bytes[at + 2 + i];
      header = 10;
    }
    if (header + length > buffer_size()) {
      fail("a frame larger than the benchmark's buffer");
      return std::nullopt;
    }
    if (unread.size() - at < header + length) break;
    if (opcode == 0x1) on_text_(unread.substr(at + header, static_cast<std::size_t>(length)));
    if (opcode == 0x8) {
      fail("closed by the gateway");
      return std::nullopt;
    }
    at += header + static_cast<std::size_t>(length);
  }
  return at;
}

void RawWebSocket::send(std::string_view text) {
  std::string frame;
  frame.push_back(static_cast<char>(0x81));  // FIN, text
  if (text.size() < 126) {
    frame.push_back(static_cast<char>(0x80 | text.size()));
  } else {
    frame.push_back(static_cast<char>(0x80 | 126));
    frame.push_back(static_cast<char>(text.size() >> 8));
    frame.push_back(static_cast<char>(text.size() & 0xff));
  }
  frame.append(reinterpret_cast<const char*>(mask), 4);
  for (std::size_t i = 0; i < text.size(); ++i)
    frame.push_back(static_cast<char>(text[i] ^ mask[i % 4]));
  write(frame);
}

}  // namespace gw::bench
