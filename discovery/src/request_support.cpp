#include "request_support.hpp"

#include <array>
#include <ctime>
#include <stdexcept>

#include <openssl/rand.h>

#include <gw/message/base64url.hpp>

namespace gw::discovery {

std::string random_request_id() {
  std::array<std::uint8_t, 8> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("the system's random generator failed");
  return message::base64url::encode(bytes);
}

message::Codec answer_codec(const message::KeyRing& keys) {
  return message::Codec(keys, {.ttl = std::chrono::seconds(0)});
}

void complete_request(message::Message& request, const std::string& user) {
  if (request.id.empty()) request.id = random_request_id();
  if (request.user_id.empty()) request.user_id = user;
  if (!request.timestamp.empty()) return;
  char text[32];
  const auto now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  request.timestamp = text;
}

}  // namespace gw::discovery
