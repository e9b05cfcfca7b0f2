// What an MQTT broker sends the bridge (a topic, a NUL, and a payload, with the first byte's
// low bit as the retain flag): read into a gw publication or skipped with a reason, never
// anything else. What is carried must come back out to the broker as it came in: the same
// topic, and the payload itself, whether it went into data (JSON) or text.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "broker_mapping.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool retain = (data[0] & 1) != 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto nul = input.find('\0');
  if (nul == std::string_view::npos) return 0;
  const auto topic = input.substr(0, nul);
  const auto payload = input.substr(nul + 1);
  auto read = gw::mqtt::from_broker(topic, payload, retain, "fuzz");
  if (const auto* skipped = std::get_if<gw::mqtt::Skipped>(&read)) {
    if (skipped->why.empty()) std::abort();  // a skip always says why
    return 0;
  }
  auto message = std::get<gw::message::Message>(std::move(read));
  if (message.topic != topic || message.retain != retain) std::abort();
  const auto out = gw::mqtt::to_broker(message, "", gw::mqtt::Payload::json);
  const auto* back = std::get_if<gw::mqtt::ToBroker>(&out);
  if (!back || back->topic != topic || back->payload != payload || back->retain != retain)
    std::abort();
  return 0;
}
