#include <algorithm>

#include <gw/message/base64url.hpp>
#include <gw/message/codec.hpp>

#include "message_reader.hpp"
#include "message_refusal.hpp"

namespace gw::message {
namespace {

Error too_large(const char* what, std::size_t size, std::size_t limit) {
  return {ErrorKind::too_large, std::string(what) + std::to_string(size) +
                                    " bytes, over the limit of " + std::to_string(limit)};
}

}  // namespace

Codec::Codec(KeyRing keys, CodecOptions options) : keys_(std::move(keys)), options_(options) {}

Result<std::string> Codec::plaintext_of(const Message& message) const {
  auto json = message.to_json();
  if (!json) return std::move(json).error();
  // The token's size follows from the plaintext's: refuse before doing the work.
  const std::size_t token_size = base64url::encoded_size(FernetToken::size_for(json->size()));
  if (token_size > options_.max_token_size) {
    return too_large("message encrypts to a token of ", token_size, options_.max_token_size);
  }
  return json;
}

Result<std::string> Codec::encode(const Message& message) const {
  return encode(message, keys_.primary());
}

Result<std::string> Codec::encode(const Message& message, const Fernet& key) const {
  auto json = plaintext_of(message);
  if (!json) return std::move(json).error();
  return key.encrypt(*json);
}

Result<Message> Codec::decode(std::string_view token) const {
  return decode(token, unix_now());
}

Result<Message> Codec::decode(std::string_view token, UnixSeconds now) const {
  auto decoded = decode_stamped(token, now);
  if (!decoded) return std::move(decoded).error();
  return std::move(decoded->message);
}

Result<FernetToken> Codec::parse(std::string_view token) const {
  if (token.size() > options_.max_token_size) {
    return too_large("token is ", token.size(), options_.max_token_size);
  }
  return FernetToken::parse(token);
}

Result<DecodedMessage> Codec::decode_stamped(std::string_view token, UnixSeconds now) const {
  auto parsed = parse(token);
  if (!parsed) return std::move(parsed).error();
  return open(*parsed, now);
}

Result<DecodedMessage> Codec::open(const FernetToken& token, UnixSeconds now) const {
  return read(token, keys_.open(token, options_.ttl, now));
}

Result<DecodedMessage> Codec::open(const FernetToken& token, const Fernet& key,
                                   UnixSeconds now) const {
  return read(token, key.open(token, options_.ttl, now));
}

Result<DecodedMessage> Codec::read(const FernetToken& token, Result<std::string> plaintext) const {
  if (!plaintext) return std::move(plaintext).error();
  DecodedMessage decoded;
  if (!detail::read_message(*plaintext, options_.max_json_depth, decoded.message)) {
    return detail::refusal_of(*plaintext, options_.max_json_depth);
  }
  decoded.stamp.timestamp = static_cast<UnixSeconds>(token.timestamp());
  std::copy_n(token.mac().begin(), TokenStamp::mac_bytes, decoded.stamp.mac.begin());
  return decoded;
}

}  // namespace gw::message
