#pragma once

// Reads bytes through a WebSocketReader as a connection would, in pieces, and keeps what it
// said: for the reader's unit tests and its fuzz target. Needs transports/src on the include
// path. Throws std::logic_error when the reader breaks its own contract.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "websocket_reader.hpp"

namespace gw::test {

struct ReadEvent {
  transports::WebSocketReader::Event::Kind kind;
  std::string payload;
  std::uint16_t code;
  bool text;
  bool operator==(const ReadEvent&) const = default;
};

// Every event of `bytes` read in pieces of `piece` bytes (0: all at once) by a reader with a
// message limit of `limit`, up to and with the first failure. Checks on the way that need_more
// comes only once a piece is all read, that a failure stays one, and that no message is over
// the limit nor a control frame's payload over 125 bytes.
inline std::vector<ReadEvent> read_events(std::string bytes, std::size_t piece, std::size_t limit) {
  using Kind = transports::WebSocketReader::Event::Kind;
  transports::WebSocketReader reader(limit);
  std::vector<ReadEvent> seen;
  std::size_t offset = 0;
  do {
    const auto size = piece == 0 ? bytes.size() : std::min(piece, bytes.size() - offset);
    std::span<char> input(bytes.data() + offset, size);
    offset += size;
    for (;;) {
      const auto event = reader.read(input);
      if (event.kind == Kind::need_more) break;
      if (event.kind == Kind::message && event.payload.size() > limit)
        throw std::logic_error("a message over the limit");
      if ((event.kind == Kind::ping || event.kind == Kind::pong) && event.payload.size() > 125)
        throw std::logic_error("a control frame over 125 bytes");
      seen.push_back({event.kind, std::string(event.payload), event.code, event.text});
      if (event.kind == Kind::failed) {
        if (reader.read(input).kind != Kind::failed)
          throw std::logic_error("a failed reader read on");
        return seen;
      }
    }
    if (!input.empty()) throw std::logic_error("need_more with bytes left unread");
  } while (offset < bytes.size());
  return seen;
}

}  // namespace gw::test
