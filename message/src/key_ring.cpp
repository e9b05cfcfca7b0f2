#include <stdexcept>

#include <gw/message/key_ring.hpp>

namespace gw::message {

KeyRing::KeyRing(std::vector<Fernet> keys) : keys_(std::move(keys)) {
  if (keys_.empty()) throw std::invalid_argument("a key ring needs at least one key");
}

Result<KeyRing> KeyRing::from_keys(std::span<const std::string> keys) {
  if (keys.empty()) return Error{ErrorKind::bad_key, "no key given"};
  std::vector<Fernet> parsed;
  parsed.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto key = Fernet::from_key(keys[i]);
    if (!key) {
      if (keys.size() == 1) return std::move(key).error();
      return Error{ErrorKind::bad_key, "key " + std::to_string(i + 1) + ": " + key.error().text};
    }
    parsed.push_back(std::move(*key));
  }
  return KeyRing(std::move(parsed));
}

std::string KeyRing::encrypt(std::string_view plaintext) const {
  return primary().encrypt(plaintext);
}

std::string KeyRing::encrypt(std::string_view plaintext, UnixSeconds timestamp) const {
  return primary().encrypt(plaintext, timestamp);
}

Result<std::string> KeyRing::decrypt(std::string_view token, std::chrono::seconds ttl) const {
  return decrypt(token, ttl, unix_now());
}

Result<std::string> KeyRing::decrypt(std::string_view token, std::chrono::seconds ttl,
                                     UnixSeconds now) const {
  auto parsed = FernetToken::parse(token);
  if (!parsed) return std::move(parsed).error();
  return open(*parsed, ttl, now);
}

Result<std::string> KeyRing::rotate(std::string_view token) const {
  auto parsed = FernetToken::parse(token);
  if (!parsed) return std::move(parsed).error();
  auto plaintext = open(*parsed, std::chrono::seconds{0}, 0);
  if (!plaintext) return std::move(plaintext).error();
  return primary().encrypt(*plaintext, static_cast<UnixSeconds>(parsed->timestamp()));
}

Result<std::string> KeyRing::open(const FernetToken& token, std::chrono::seconds ttl,
                                  UnixSeconds now) const {
  for (const Fernet& key : keys_) {
    auto plaintext = key.open(token, ttl, now);
    // Only a MAC mismatch means "try the next key"; any other failure is this key's verdict.
    if (plaintext || plaintext.error().kind != ErrorKind::bad_mac || keys_.size() == 1) {
      return plaintext;
    }
  }
  return Error{ErrorKind::bad_mac, "token matches none of the " + std::to_string(keys_.size()) +
                                       " keys (HMAC mismatch): the key is wrong or the token "
                                       "was altered"};
}

}  // namespace gw::message
