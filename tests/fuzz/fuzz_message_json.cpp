// Message JSON decoding, as the codec runs it on every decrypted token: any input may be
// refused with an Error, none may throw or crash; the reader must accept exactly what the
// slow reading through nlohmann's tree accepts, and read the same fields (numbers at the edge
// of a double's range aside: message_oracle.hpp); and a message that
// decodes must survive being written and read again unchanged.
#include <cstdint>
#include <string_view>

#include <gw/message/message.hpp>

#include "message_oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto message = gw::message::Message::from_json(text);
  if (!gw::test::has_edge_numbers(text)) {
    const auto expected = gw::test::oracle_reading(text);
    if (message.has_value() != expected.has_value()) __builtin_trap();
    if (message && !gw::test::difference(*message, *expected).empty()) __builtin_trap();
  }
  if (!message) return 0;
  auto written = message->to_json();
  if (!written) return 0;  // invalid UTF-8 inside a string is refused on the way out
  auto again = gw::message::Message::from_json(*written);
  if (!again || !(*again == *message)) __builtin_trap();
  return 0;
}
