#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <gw/gateway/device.hpp>
#include <gw/gateway/identity.hpp>
#include <gw/message/codec.hpp>
#include <gw/message/key_search.hpp>

namespace gw::gateway {

// Everyone whose tokens the gateway reads, at one time: the shared key's holders (unless the
// shared key is refused) and the devices of the devices file. Immutable; a reload makes a new
// one, and a token is read whole with one.
class Identities {
 public:
  // `shared`: the shared key's permissions, or null when tokens under it are refused.
  Identities(std::shared_ptr<const Identity> shared, std::span<const Device> devices);

  // Null when the shared key is refused.
  const std::shared_ptr<const Identity>& shared() const noexcept { return shared_; }
  // The device of this name, or null.
  std::shared_ptr<const Identity> device(std::string_view name) const;
  const std::vector<std::shared_ptr<const Identity>>& devices() const noexcept { return devices_; }

  // A token read: who signed it (null when no key did) and what it holds, or why not. A token
  // that fails after its key was found (expired, not JSON) still says whose it is, so that the
  // refusal goes back under that key.
  struct Read {
    std::shared_ptr<const Identity> identity;
    message::Result<message::DecodedMessage> decoded;
    bool search_refused = false;  // `may_search` said no: the token was not read
  };
  // Whether a search through this many keys may be made now (a budget shared by all senders).
  using SearchAllowance = std::function<bool(std::size_t keys)>;
  // The devices named in `first` are tried first (the one a connection speaks as, those heard
  // lately from the same host), then the shared keys, then every device's key by its MAC, if
  // `may_search` allows (null: always).
  Read read(const message::Codec& codec, std::string_view token, message::UnixSeconds now,
            std::span<const std::string> first = {},
            const SearchAllowance& may_search = nullptr) const;

 private:
  std::shared_ptr<const Identity> shared_;
  std::vector<std::shared_ptr<const Identity>> devices_;  // in the file's order
  std::unordered_map<std::string_view, std::size_t> by_name_;
  message::KeySearch search_;
};

}  // namespace gw::gateway
