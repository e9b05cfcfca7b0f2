#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <gw/message/result.hpp>

namespace gw::message {

// A Fernet token decoded from base64url and checked for shape, but not yet authenticated:
//   0x80 | u64 BE timestamp | 16-byte IV | ciphertext (n * 16 bytes) | HMAC-SHA256 (32 bytes)
// Parsing once lets a KeyRing try every key without decoding the text again.
class FernetToken {
 public:
  static constexpr std::uint8_t version = 0x80;
  static constexpr std::size_t timestamp_size = 8;
  static constexpr std::size_t iv_size = 16;
  static constexpr std::size_t block_size = 16;
  static constexpr std::size_t mac_size = 32;
  static constexpr std::size_t header_size = 1 + timestamp_size + iv_size;
  // The smallest valid token: an empty plaintext still pads to one block.
  static constexpr std::size_t min_size = header_size + block_size + mac_size;

  // Bytes of the token (before base64url) for a plaintext of this size: PKCS7 padding always
  // adds 1 to 16 bytes.
  static constexpr std::size_t size_for(std::size_t plaintext_size) noexcept {
    return header_size + (plaintext_size / block_size + 1) * block_size + mac_size;
  }

  // Kinds: bad_base64, too_short, bad_version, bad_length.
  static Result<FernetToken> parse(std::string_view token);

  std::uint64_t timestamp() const noexcept;
  std::span<const std::uint8_t, iv_size> iv() const noexcept;
  std::span<const std::uint8_t> ciphertext() const noexcept;
  // What the HMAC covers: everything before it.
  std::span<const std::uint8_t> signed_part() const noexcept;
  std::span<const std::uint8_t, mac_size> mac() const noexcept;

 private:
  explicit FernetToken(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}

  std::vector<std::uint8_t> bytes_;
};

}  // namespace gw::message
