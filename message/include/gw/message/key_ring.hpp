#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gw/message/fernet.hpp>
#include <gw/message/result.hpp>

namespace gw::message {

// Several Fernet keys, as Python's MultiFernet: the first encrypts, every one is tried to
// decrypt, so a new key can be put first while tokens under the old ones are still accepted.
class KeyRing {
 public:
  // keys must not be empty (std::invalid_argument otherwise).
  explicit KeyRing(std::vector<Fernet> keys);
  // Kind bad_key, naming which key (1-based) is wrong; an empty list is bad_key too.
  static Result<KeyRing> from_keys(std::span<const std::string> keys);

  const Fernet& primary() const noexcept { return keys_.front(); }
  std::span<const Fernet> keys() const noexcept { return keys_; }

  std::string encrypt(std::string_view plaintext) const;
  std::string encrypt(std::string_view plaintext, UnixSeconds timestamp) const;

  // The token is decoded once; each key is then tried until one's MAC matches.
  Result<std::string> decrypt(std::string_view token, std::chrono::seconds ttl) const;
  Result<std::string> decrypt(std::string_view token, std::chrono::seconds ttl,
                              UnixSeconds now) const;

  // Re-encrypts a token made under any key with the primary key, keeping its timestamp and
  // ignoring its age, as MultiFernet.rotate does.
  Result<std::string> rotate(std::string_view token) const;

  // The same as decrypt for a token already parsed, for callers that also want its timestamp
  // and MAC.
  Result<std::string> open(const FernetToken& token, std::chrono::seconds ttl,
                           UnixSeconds now) const;

 private:
  std::vector<Fernet> keys_;
};

}  // namespace gw::message
