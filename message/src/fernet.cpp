#include <vector>

#include <openssl/crypto.h>

#include <gw/message/base64url.hpp>
#include <gw/message/fernet.hpp>

#include "openssl_contexts.hpp"
#include "random_pool.hpp"

namespace gw::message {
namespace {

using detail::OpenSslContexts;

std::string describe_age(std::uint64_t seconds) {
  return std::to_string(seconds) + (seconds == 1 ? " second" : " seconds");
}

}  // namespace

Fernet::Fernet(std::span<const std::uint8_t, key_size> key)
    : context_id_(OpenSslContexts::new_key_id()) {
  std::copy(key.begin(), key.end(), key_.begin());
}

Result<Fernet> Fernet::from_key(std::string_view key) {
  const std::string_view text = base64url::trim_ascii_whitespace(key);
  if (text.size() != encoded_key_size) {
    return Error{ErrorKind::bad_key, "a Fernet key is 44 characters of base64url; this one has " +
                                         std::to_string(text.size())};
  }
  auto bytes = base64url::decode(text);
  if (!bytes) return Error{ErrorKind::bad_key, "the Fernet key is not " + bytes.error().text};
  // 44 well-formed characters always decode to 32 or fewer bytes; fewer means padding inside.
  if (bytes->size() != key_size) {
    return Error{ErrorKind::bad_key,
                 "the Fernet key decodes to " + std::to_string(bytes->size()) + " bytes, not 32"};
  }
  return Fernet(std::span<const std::uint8_t, key_size>(bytes->data(), key_size));
}

Fernet Fernet::generate() {
  std::array<std::uint8_t, key_size> key{};
  detail::random_bytes(key);
  Fernet fernet(key);
  OPENSSL_cleanse(key.data(), key.size());
  return fernet;
}

std::string Fernet::key() const {
  return base64url::encode(key_);
}

std::string Fernet::encrypt(std::string_view plaintext) const {
  return encrypt(plaintext, unix_now());
}

std::string Fernet::encrypt(std::string_view plaintext, UnixSeconds timestamp) const {
  std::array<std::uint8_t, FernetToken::iv_size> iv{};
  detail::RandomPool::fill(iv);
  return encrypt(plaintext, timestamp, iv);
}

std::string Fernet::encrypt(std::string_view plaintext, UnixSeconds timestamp,
                            std::span<const std::uint8_t, FernetToken::iv_size> iv) const {
  const std::size_t raw_size = FernetToken::size_for(plaintext.size());
  // One scratch buffer per thread: the raw token is only a step towards its base64 text.
  thread_local std::vector<std::uint8_t> raw;
  raw.resize(raw_size);

  raw[0] = FernetToken::version;
  auto stamp = static_cast<std::uint64_t>(timestamp);
  for (std::size_t i = FernetToken::timestamp_size; i >= 1; --i, stamp >>= 8) {
    raw[i] = static_cast<std::uint8_t>(stamp);
  }
  std::copy(iv.begin(), iv.end(), raw.begin() + 1 + FernetToken::timestamp_size);

  auto& contexts = OpenSslContexts::for_key(context_id_, key_);
  const auto* in = reinterpret_cast<const std::uint8_t*>(plaintext.data());
  const std::size_t ciphertext_size =
      contexts.encrypt(iv, {in, plaintext.size()}, raw.data() + FernetToken::header_size);
  const std::size_t signed_size = FernetToken::header_size + ciphertext_size;
  contexts.mac(std::span(raw).first(signed_size),
               std::span<std::uint8_t, FernetToken::mac_size>(raw.data() + signed_size,
                                                              FernetToken::mac_size));
  return base64url::encode(std::span(raw).first(signed_size + FernetToken::mac_size));
}

Result<std::string> Fernet::decrypt(std::string_view token, std::chrono::seconds ttl) const {
  return decrypt(token, ttl, unix_now());
}

Result<std::string> Fernet::decrypt(std::string_view token, std::chrono::seconds ttl,
                                    UnixSeconds now) const {
  auto parsed = FernetToken::parse(token);
  if (!parsed) return std::move(parsed).error();
  return open(*parsed, ttl, now);
}

Result<std::string> Fernet::open(const FernetToken& token, std::chrono::seconds ttl,
                                 UnixSeconds now) const {
  auto& contexts = OpenSslContexts::for_key(context_id_, key_);
  std::array<std::uint8_t, FernetToken::mac_size> expected{};
  contexts.mac(token.signed_part(), expected);
  if (CRYPTO_memcmp(expected.data(), token.mac().data(), expected.size()) != 0) {
    return Error{ErrorKind::bad_mac,
                 "token does not match the key (HMAC mismatch): the key is wrong or the token "
                 "was altered"};
  }

  // Only an authentic timestamp is judged, so "expired" always means a clock or TTL problem.
  // Unsigned arithmetic throughout: a token may carry any 64-bit timestamp.
  if (ttl.count() > 0) {
    const std::uint64_t stamp = token.timestamp();
    const std::uint64_t clock = now < 0 ? 0 : static_cast<std::uint64_t>(now);
    const auto skew = static_cast<std::uint64_t>(max_clock_skew.count());
    const auto lifetime = static_cast<std::uint64_t>(ttl.count());
    if (stamp > clock + skew) {
      return Error{ErrorKind::from_future,
                   "token is dated " + describe_age(stamp - clock) +
                       " ahead of this clock (at most 60 allowed): the sender's clock is fast"};
    }
    if (stamp + lifetime < clock) {
      return Error{ErrorKind::expired, "token expired: made " + describe_age(clock - stamp) +
                                           " ago, the time-to-live is " + describe_age(lifetime) +
                                           " (is the sender's clock slow?)"};
    }
  }

  const auto ciphertext = token.ciphertext();
  std::string plaintext(ciphertext.size(), '\0');
  const auto size =
      contexts.decrypt(token.iv(), ciphertext, reinterpret_cast<std::uint8_t*>(plaintext.data()));
  if (!size) {
    return Error{ErrorKind::bad_padding, "token is authentic but its padding is invalid"};
  }
  plaintext.resize(*size);
  return plaintext;
}

}  // namespace gw::message
