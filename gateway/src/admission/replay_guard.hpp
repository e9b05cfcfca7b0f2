#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_set>

#include <gw/gateway/replay_guard_options.hpp>
#include <gw/message/codec.hpp>
#include <gw/message/fernet.hpp>

namespace gw::gateway {

// Makes every authentic token count once, whatever transport it comes over: a copy captured on
// the LAN and sent again is refused. It remembers the stamp of each token it admits until the
// codec would refuse that token as expired anyway.
//
// Memory is bounded without ever admitting a replay (the strike-register idea): when the bound
// is reached, the oldest second of remembered tokens is forgotten and the *horizon* rises to
// that second; every token dated at or before the horizon is refused from then on, since the
// guard can no longer tell whether it saw it. A fresh token is refused for that reason only if
// the bound holds less than a second of traffic. After a start the guard knows nothing, so the
// horizon starts just before the start time.
//
// Sharded by the tokens' MACs, one lock per shard, so that network threads rarely meet.
class ReplayGuard {
 public:
  using Options = ReplayGuardOptions;
  enum class Verdict {
    fresh,          // admitted: act on it
    replayed,       // this very token was admitted before
    before_window,  // dated at or before the horizon: too old for the guard to vouch for
  };

  ReplayGuard(Options options, message::UnixSeconds started);

  Verdict admit(const message::TokenStamp& stamp, message::UnixSeconds now);

  std::size_t size() const;
  // Tokens dated at or before this second are refused.
  message::UnixSeconds horizon() const;
  const Options& options() const noexcept { return options_; }

 private:
  using Mac = std::array<std::uint8_t, message::TokenStamp::mac_bytes>;
  struct MacHash {
    std::size_t operator()(const Mac& mac) const noexcept;
  };
  struct Shard {
    mutable std::mutex mutex;
    // By the tokens' timestamps: a replay has its original's, so it is looked up in one second,
    // and the oldest second is the first to forget.
    std::map<message::UnixSeconds, std::unordered_set<Mac, MacHash>> by_second;
    std::size_t size = 0;
    message::UnixSeconds horizon = 0;
  };
  static constexpr std::size_t shard_count = 8;

  void forget_expired(Shard& shard, message::UnixSeconds now) const;
  void forget_oldest_second(Shard& shard) const;

  Options options_;
  std::size_t shard_capacity_;
  std::array<Shard, shard_count> shards_;
};

std::string_view to_string(ReplayGuard::Verdict verdict) noexcept;

}  // namespace gw::gateway
