#include <array>
#include <stdexcept>

#include <openssl/rand.h>

#include <gw/gateway/store.hpp>

namespace gw::gateway {

std::string new_store_epoch() {
  std::array<unsigned char, 8> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("the system's random generator failed");
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  for (const auto byte : bytes) {
    text += digits[byte >> 4];
    text += digits[byte & 15];
  }
  return text;
}

}  // namespace gw::gateway
