#pragma once

#include <array>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <gw/gateway/rate_limits.hpp>
#include <gw/gateway/token_bucket.hpp>

namespace gw::gateway {

// The rate limits kept per source address (a host, whatever its port): one bucket for its
// messages and one for its tokens that did not decrypt. Remembers at most
// RateLimits::tracked_addresses, forgetting the least recently heard of; a forgotten address
// starts again with full buckets. Sharded by address, one lock per shard. Thread-safe.
class AddressRates {
 public:
  using Clock = TokenBucket::Clock;

  explicit AddressRates(const RateLimits& limits);

  enum class Admission { admitted, over_address_rate, undecryptable_spent };

  // What a message from `host` may do, with one look-up: refused while `host` has spent its
  // allowance of tokens that did not decrypt; otherwise it takes a token from the host's message
  // bucket, refused when there is none.
  Admission admit_message(std::string_view host, Clock::time_point now);
  // A token from `host` did not decrypt.
  void count_undecryptable(std::string_view host, Clock::time_point now);

  std::size_t size() const;

 private:
  struct Entry {
    std::string host;
    TokenBucket messages;
    TokenBucket undecryptable;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::list<Entry> recent;  // most recently heard of first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> by_host;
  };
  static constexpr std::size_t shard_count = 8;

  Shard& shard_of(std::string_view host);
  // The host's entry, made or moved to the front; the shard's lock is held.
  Entry& entry(Shard& shard, std::string_view host, Clock::time_point now);
  Entry& move_to_front(Shard& shard, std::list<Entry>::iterator found);

  RateLimits limits_;
  std::size_t shard_capacity_;
  std::array<Shard, shard_count> shards_;
};

}  // namespace gw::gateway
