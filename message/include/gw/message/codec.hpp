#pragma once

#include <chrono>
#include <cstddef>
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
  std::size_t max_token_size = 64 * 1024;
};

// Token text <-> Message through a KeyRing: what every transport's bytes go through.
class Codec {
 public:
  explicit Codec(KeyRing keys, CodecOptions options = {});

  // Kinds: invalid_utf8, too_large.
  Result<std::string> encode(const Message& message) const;
  // Kinds: too_large, every kind of KeyRing::decrypt and of Message::from_json.
  Result<Message> decode(std::string_view token) const;
  Result<Message> decode(std::string_view token, UnixSeconds now) const;

  const KeyRing& keys() const noexcept { return keys_; }
  const CodecOptions& options() const noexcept { return options_; }

 private:
  KeyRing keys_;
  CodecOptions options_;
};

}  // namespace gw::message
