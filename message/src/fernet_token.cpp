#include <cstdio>
#include <string>

#include <gw/message/base64url.hpp>
#include <gw/message/fernet_token.hpp>

namespace gw::message {

Result<FernetToken> FernetToken::parse(std::string_view token) {
  std::vector<std::uint8_t> bytes;
  if (auto decoded = base64url::decode_into(token, bytes); !decoded) {
    return std::move(decoded).error();
  }
  // Too short to hold a header and a MAC: nothing in it can be located. Longer, the
  // ciphertext's size says what is wrong.
  if (bytes.size() < header_size + mac_size) {
    return Error{ErrorKind::too_short, "token is " + std::to_string(bytes.size()) +
                                           " bytes; a Fernet token has at least " +
                                           std::to_string(min_size)};
  }
  if (bytes[0] != version) {
    char found[8];
    std::snprintf(found, sizeof found, "0x%02x", bytes[0]);
    return Error{ErrorKind::bad_version,
                 std::string("token version is ") + found + ", not 0x80: not a Fernet token"};
  }
  const std::size_t ciphertext_size = bytes.size() - header_size - mac_size;
  if (ciphertext_size == 0) {
    return Error{ErrorKind::bad_length,
                 "token has no ciphertext; even an empty plaintext is one 16-byte block"};
  }
  if (ciphertext_size % block_size != 0) {
    return Error{ErrorKind::bad_length, "token ciphertext is " + std::to_string(ciphertext_size) +
                                            " bytes, not a whole number of 16-byte blocks"};
  }
  return FernetToken(std::move(bytes));
}

std::uint64_t FernetToken::timestamp() const noexcept {
  std::uint64_t value = 0;
  for (std::size_t i = 1; i <= timestamp_size; ++i)
    value = (value << 8) | bytes_[i];
  return value;
}

std::span<const std::uint8_t, FernetToken::iv_size> FernetToken::iv() const noexcept {
  return std::span<const std::uint8_t, iv_size>(bytes_.data() + 1 + timestamp_size, iv_size);
}

std::span<const std::uint8_t> FernetToken::ciphertext() const noexcept {
  return std::span(bytes_).subspan(header_size, bytes_.size() - header_size - mac_size);
}

std::span<const std::uint8_t> FernetToken::signed_part() const noexcept {
  return std::span(bytes_).first(bytes_.size() - mac_size);
}

std::span<const std::uint8_t, FernetToken::mac_size> FernetToken::mac() const noexcept {
  return std::span<const std::uint8_t, mac_size>(bytes_.data() + bytes_.size() - mac_size,
                                                 mac_size);
}

}  // namespace gw::message
