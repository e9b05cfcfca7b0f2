// The WebSocket frame reader on its own, fast: whatever the bytes, reading them in pieces of
// any size gives the same events as reading them at once (the reader keeps no state that
// depends on where reads end), a message is never over the limit, a control frame's payload
// never over 125 bytes, and once reading fails it stays failed. The first two bytes choose the
// piece size and the message limit; the rest is what a client sent after the upgrade.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "websocket_reading.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  const std::size_t limit = 16 + static_cast<std::size_t>(data[1]) * 8;
  const std::string bytes(reinterpret_cast<const char*>(data + 2), size - 2);
  // A broken contract throws (a finding); so does a difference between the two readings.
  if (gw::test::read_events(bytes, 0, limit) != gw::test::read_events(bytes, piece, limit))
    std::abort();
  return 0;
}
