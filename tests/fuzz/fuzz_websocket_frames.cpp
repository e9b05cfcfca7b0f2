// The WebSocket frame reader on its own, fast: whatever the bytes, reading them in pieces of
// any size gives the same events as reading them at once (the reader keeps no state that
// depends on where reads end), a message is never over the limit, a control frame's payload
// never over 125 bytes, and once reading fails it stays failed. The first two bytes choose the
// piece size and the message limit; the rest is what a client sent after the upgrade.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "websocket_reader.hpp"

namespace {

using gw::transports::WebSocketReader;
using Kind = WebSocketReader::Event::Kind;

struct Seen {
  Kind kind;
  std::string payload;
  std::uint16_t code;
  bool text;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> read_all(std::string bytes, std::size_t piece, std::size_t limit) {
  WebSocketReader reader(limit);
  std::vector<Seen> seen;
  bool failed = false;
  for (std::size_t offset = 0; offset < bytes.size();) {
    const auto size = std::min(piece, bytes.size() - offset);
    std::span<char> input(bytes.data() + offset, size);
    offset += size;
    for (;;) {
      const auto event = reader.read(input);
      if (event.kind == Kind::need_more) break;
      if (failed && event.kind != Kind::failed) std::abort();  // failed stays failed
      if (event.kind == Kind::message && event.payload.size() > limit) std::abort();
      if ((event.kind == Kind::ping || event.kind == Kind::pong) && event.payload.size() > 125)
        std::abort();
      seen.push_back({event.kind, std::string(event.payload), event.code, event.text});
      if (event.kind == Kind::failed) {
        failed = true;
        break;  // the session stops reading here
      }
    }
    if (failed) break;
    if (!input.empty()) std::abort();  // need_more means everything was read
  }
  return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  const std::size_t limit = 16 + static_cast<std::size_t>(data[1]) * 8;
  const std::string bytes(reinterpret_cast<const char*>(data + 2), size - 2);
  if (read_all(bytes, bytes.size() + 1, limit) != read_all(bytes, piece, limit)) std::abort();
  return 0;
}
