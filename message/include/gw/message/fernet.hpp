#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <gw/message/fernet_token.hpp>
#include <gw/message/result.hpp>
#include <gw/message/unix_time.hpp>

namespace gw::message {

// One Fernet key and the operations of the Fernet spec, byte-compatible with Python's
// cryptography.fernet.Fernet. Thread-safe: each thread keeps its own OpenSSL contexts.
class Fernet {
 public:
  static constexpr std::size_t key_size = 32;
  static constexpr std::size_t encoded_key_size = 44;
  // Tokens dated further ahead than this are refused, as in cryptography.
  static constexpr std::chrono::seconds max_clock_skew{60};

  // key: 44 characters of padded base64url, surrounding whitespace ignored. Kind bad_key.
  static Result<Fernet> from_key(std::string_view key);
  // A new random key from OpenSSL's CSPRNG.
  static Fernet generate();

  // The key as 44 characters of base64url, as Python's Fernet.generate_key() writes it.
  std::string key() const;
  // Unique in this process for each key made, shared by copies: what caches of tokens made
  // under a key are kept by.
  std::uint64_t id() const noexcept { return context_id_; }

  // A token dated now (or at timestamp) with a random IV. Plaintexts of 2 GiB or more throw
  // std::length_error (OpenSSL counts in int); the Codec keeps far below that.
  std::string encrypt(std::string_view plaintext) const;
  std::string encrypt(std::string_view plaintext, UnixSeconds timestamp) const;
  // Fully determined by its inputs, for reproducible tests and test vectors.
  std::string encrypt(std::string_view plaintext, UnixSeconds timestamp,
                      std::span<const std::uint8_t, FernetToken::iv_size> iv) const;

  // ttl == 0 disables both time checks (as ttl=None does in Python). The MAC is verified, in
  // constant time, before the timestamp is trusted or anything is decrypted.
  Result<std::string> decrypt(std::string_view token, std::chrono::seconds ttl) const;
  Result<std::string> decrypt(std::string_view token, std::chrono::seconds ttl,
                              UnixSeconds now) const;
  // The same for a token already parsed. Kinds: bad_mac, expired, from_future, bad_padding.
  Result<std::string> open(const FernetToken& token, std::chrono::seconds ttl,
                           UnixSeconds now) const;

 private:
  friend class KeySearch;  // keys its own HMAC contexts with the signing half
  explicit Fernet(std::span<const std::uint8_t, key_size> key);

  std::array<std::uint8_t, key_size> key_;  // bytes 0-15 sign, 16-31 encrypt
  std::uint64_t context_id_;                // names this key's per-thread OpenSSL contexts
};

}  // namespace gw::message
