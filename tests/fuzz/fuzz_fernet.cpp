// base64url decoding and Fernet verification: what every token from the network goes through
// first. Any input may be refused; none may crash, and whatever decodes must encode back.
#include <cstdint>
#include <string>
#include <string_view>

#include <gw/message/base64url.hpp>
#include <gw/message/fernet.hpp>
#include <gw/message/key_ring.hpp>

namespace {
const gw::message::KeyRing& keys() {
  static const auto ring = [] {
    std::vector<gw::message::Fernet> list;
    list.push_back(*gw::message::Fernet::from_key("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="));
    list.push_back(*gw::message::Fernet::from_key("1JlSzMfsYsrGADsiLlaypOptHrVgJXlm_FQtr5PQmfg="));
    return gw::message::KeyRing(std::move(list));
  }();
  return ring;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto bytes = gw::message::base64url::decode(text)) {
    const auto again = gw::message::base64url::encode(*bytes);
    const auto round_trip = gw::message::base64url::decode(again);
    if (!round_trip || *round_trip != *bytes) __builtin_trap();
  }
  // Both time checks, and neither (ttl 0), at a fixed time so that runs repeat.
  (void)keys().decrypt(text, std::chrono::seconds(120), 1'700'000'000);
  (void)keys().decrypt(text, std::chrono::seconds(0), 1'700'000'000);
  return 0;
}
