#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <gw/message/fernet.hpp>
#include <gw/message/fernet_token.hpp>

namespace gw::message {

namespace detail {
class MacContext;
}

// Which of many keys signed a token: what a gateway where every device has a key of its own
// asks of a token from a new session. Each key's HMAC context is keyed once, here, and kept, so
// trying a key costs one HMAC of the token; a thread's cache of keyed contexts holds far fewer
// keys than a LAN has devices, and keying one afresh costs more than using it. Memory: one HMAC
// context per key. Thread-safe: a key's context is used by one thread at a time.
class KeySearch {
 public:
  explicit KeySearch(std::span<const Fernet> keys);
  ~KeySearch();
  KeySearch(KeySearch&&) noexcept;
  KeySearch& operator=(KeySearch&&) noexcept;

  std::size_t size() const noexcept { return entries_.size(); }
  // The index (in the order given) of the key whose HMAC the token carries, or nothing. Only
  // the MAC is checked: opening the token with that key judges its time and padding.
  std::optional<std::size_t> find(const FernetToken& token) const;

 private:
  struct Entry;
  std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace gw::message
