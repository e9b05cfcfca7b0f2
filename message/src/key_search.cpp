#include <array>
#include <mutex>

#include <openssl/crypto.h>

#include <gw/message/key_search.hpp>

#include "openssl_contexts.hpp"

namespace gw::message {

struct KeySearch::Entry {
  explicit Entry(std::span<const std::uint8_t, detail::MacContext::key_size> signing_key)
      : mac(signing_key) {}
  std::mutex mutex;  // held for one HMAC; two threads rarely try the same key at once
  detail::MacContext mac;
};

KeySearch::KeySearch(std::span<const Fernet> keys) {
  entries_.reserve(keys.size());
  for (const auto& key : keys)
    entries_.push_back(
        std::make_unique<Entry>(std::span(key.key_).first<detail::MacContext::key_size>()));
}

KeySearch::~KeySearch() = default;
KeySearch::KeySearch(KeySearch&&) noexcept = default;
KeySearch& KeySearch::operator=(KeySearch&&) noexcept = default;

std::optional<std::size_t> KeySearch::find(const FernetToken& token) const {
  std::array<std::uint8_t, FernetToken::mac_size> expected{};
  const auto signed_part = token.signed_part();
  const auto carried = token.mac();
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    auto& entry = *entries_[i];
    {
      std::lock_guard lock(entry.mutex);
      entry.mac.mac(signed_part, expected);
    }
    if (CRYPTO_memcmp(expected.data(), carried.data(), expected.size()) == 0) return i;
  }
  return std::nullopt;
}

}  // namespace gw::message
