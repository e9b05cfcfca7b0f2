#include <gw/message/codec.hpp>

namespace gw::message {
namespace {

Error too_large(const char* what, std::size_t size, std::size_t limit) {
  return {ErrorKind::too_large, std::string(what) + std::to_string(size) +
                                    " bytes, over the limit of " + std::to_string(limit)};
}

}  // namespace

Codec::Codec(KeyRing keys, CodecOptions options) : keys_(std::move(keys)), options_(options) {}

Result<std::string> Codec::encode(const Message& message) const {
  auto json = message.to_json();
  if (!json) return std::move(json).error();
  std::string token = keys_.encrypt(*json);
  if (token.size() > options_.max_token_size) {
    return too_large("message encrypts to a token of ", token.size(), options_.max_token_size);
  }
  return token;
}

Result<Message> Codec::decode(std::string_view token) const {
  return decode(token, unix_now());
}

Result<Message> Codec::decode(std::string_view token, UnixSeconds now) const {
  if (token.size() > options_.max_token_size) {
    return too_large("token is ", token.size(), options_.max_token_size);
  }
  auto plaintext = keys_.decrypt(token, options_.ttl, now);
  if (!plaintext) return std::move(plaintext).error();
  return Message::from_json(*plaintext);
}

}  // namespace gw::message
