#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gw::gateway {

// The devices heard from each host lately, so that a token from there is tried under their
// keys first. Nothing else can say whose key to try before decrypting: an HTTP or UDP
// session's token is inside the ciphertext. A device on a LAN keeps its address, so this finds
// it in one try. Names, not identities: a name is looked up in the identities of the moment,
// so a removed device's key is never tried. Bounded: a shard that fills up is emptied, and a
// hint lost costs one search. Thread-safe.
class KeyHints {
 public:
  static constexpr std::size_t per_host = 2;
  struct Names {
    std::array<std::string, per_host> names;
    std::size_t count = 0;
    std::span<const std::string> list() const { return std::span(names).first(count); }
  };

  explicit KeyHints(std::size_t max_hosts = 4096);

  // The devices heard from `host`, the latest first.
  Names recent(std::string_view host) const;
  void heard(std::string_view host, std::string_view device);

 private:
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Names> by_host;
  };
  static constexpr std::size_t shard_count = 8;
  Shard& shard_of(std::string_view host) const;

  std::size_t shard_capacity_;
  mutable std::array<Shard, shard_count> shards_;  // a look-up takes the shard's lock
};

}  // namespace gw::gateway
