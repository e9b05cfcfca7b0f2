#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <gw/message/key_ring.hpp>
#include <gw/message/message.hpp>
#include <gw/message/result.hpp>
#include <gw/message/unix_time.hpp>

namespace gw::message {

struct CodecOptions {
  // Tokens older than this are refused; 0 disables the time checks.
  std::chrono::seconds ttl{120};
  // Largest token accepted or produced, in bytes of base64url text (64 KiB of token holds
  // about 48 KiB of JSON).
  static constexpr std::size_t default_max_token_size = 64 * 1024;
  std::size_t max_token_size = default_max_token_size;
  // Deepest nesting of objects and arrays accepted in a message.
  std::size_t max_json_depth = Message::default_max_depth;
};

// What tells one authentic token from every other, for remembering which were acted on: when
// it was made and the first half of its HMAC (random to anyone without the key, so 128 bits
// of it cannot collide by chance or by design).
struct TokenStamp {
  static constexpr std::size_t mac_bytes = 16;
  UnixSeconds timestamp = 0;
  std::array<std::uint8_t, mac_bytes> mac{};
};

struct DecodedMessage {
  Message message;
  TokenStamp stamp;
};

// Token text <-> Message through a KeyRing: what every transport's bytes go through.
class Codec {
 public:
  explicit Codec(KeyRing keys, CodecOptions options = {});

  // Kinds: invalid_utf8, too_large.
  Result<std::string> encode(const Message& message) const;
  // Under `key` rather than the ring's first: to a party with a key of its own.
  Result<std::string> encode(const Message& message, const Fernet& key) const;
  // The JSON a token of `message` carries, within the size limit: encrypted under each key of
  // several recipients, it is written once. Kinds as encode.
  Result<std::string> plaintext_of(const Message& message) const;
  // Kinds: too_large, every kind of KeyRing::decrypt and of Message::from_json.
  Result<Message> decode(std::string_view token) const;
  Result<Message> decode(std::string_view token, UnixSeconds now) const;
  // The same, with the token's stamp.
  Result<DecodedMessage> decode_stamped(std::string_view token, UnixSeconds now) const;

  // The steps of decode_stamped, for a reader that finds the key itself (one of many): the
  // token within the size limit and parsed (kinds: too_large, FernetToken::parse's), then opened
  // under `key` and read (kinds: Fernet::open's and Message::from_json's).
  Result<FernetToken> parse(std::string_view token) const;
  Result<DecodedMessage> open(const FernetToken& token, const Fernet& key, UnixSeconds now) const;
  // Opened under the ring's keys, as decode_stamped does.
  Result<DecodedMessage> open(const FernetToken& token, UnixSeconds now) const;

  const KeyRing& keys() const noexcept { return keys_; }
  const CodecOptions& options() const noexcept { return options_; }

 private:
  Result<DecodedMessage> read(const FernetToken& token, Result<std::string> plaintext) const;

  KeyRing keys_;
  CodecOptions options_;
};

}  // namespace gw::message
