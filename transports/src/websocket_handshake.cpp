#include "websocket_handshake.hpp"

#include <algorithm>
#include <array>

#include <openssl/evp.h>

namespace gw::transports {
namespace {

constexpr std::string_view protocol_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

bool is_base64_digit(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// 16 bytes in base64 are 22 digits and two pads.
bool is_websocket_key(std::string_view key) noexcept {
  return key.size() == 24 && key.ends_with("==") &&
         std::all_of(key.begin(), key.end() - 2, is_base64_digit);
}

}  // namespace

std::optional<UpgradeRefusal> refused_upgrade(std::string_view key, std::string_view version) {
  if (version.empty())
    return UpgradeRefusal{400, "a WebSocket upgrade needs Sec-WebSocket-Version: 13\n"};
  if (version != served_websocket_version)
    return UpgradeRefusal{426, "this gateway speaks WebSocket version 13 only\n", true};
  if (key.empty()) return UpgradeRefusal{400, "a WebSocket upgrade needs a Sec-WebSocket-Key\n"};
  if (!is_websocket_key(key))
    return UpgradeRefusal{400, "Sec-WebSocket-Key must be 16 bytes in base64\n"};
  return std::nullopt;
}

std::string switching_protocols(std::string_view key) {
  std::string keyed(key);
  keyed += protocol_guid;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  EVP_Digest(keyed.data(), keyed.size(), digest.data(), &digest_size, EVP_sha1(), nullptr);
  std::array<unsigned char, 32> accept{};  // 20 bytes in base64: 28 digits and a NUL
  const auto accept_size =
      EVP_EncodeBlock(accept.data(), digest.data(), static_cast<int>(digest_size));
  std::string response =
      "HTTP/1.1 101 Switching Protocols\r\nServer: gatewayd\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Accept: ";
  response.append(reinterpret_cast<const char*>(accept.data()),
                  static_cast<std::size_t>(accept_size));
  response += "\r\n\r\n";
  return response;
}

}  // namespace gw::transports
