#include "replay_guard.hpp"

#include <algorithm>
#include <cstring>

namespace gw::gateway {

using message::UnixSeconds;

std::size_t ReplayGuard::MacHash::operator()(const Mac& mac) const noexcept {
  // The MAC is uniformly random to anyone without the key: its bytes are a hash already.
  std::size_t value = 0;
  std::memcpy(&value, mac.data(), sizeof value);
  return value;
}

ReplayGuard::ReplayGuard(Options options, UnixSeconds started)
    : options_(options), shard_capacity_(std::max<std::size_t>(1, options.capacity / shard_count)) {
  for (auto& shard : shards_)
    shard.horizon = started - 1;
}

ReplayGuard::Verdict ReplayGuard::admit(const message::TokenStamp& stamp, UnixSeconds now) {
  // The last MAC byte picks the shard; the first ones are the hash within it.
  auto& shard = shards_[stamp.mac.back() % shard_count];
  std::lock_guard lock(shard.mutex);
  forget_expired(shard, now);
  if (stamp.timestamp <= shard.horizon) return Verdict::before_window;
  auto second = shard.by_second.find(stamp.timestamp);
  if (second != shard.by_second.end() && second->second.contains(stamp.mac))
    return Verdict::replayed;
  while (shard.size >= shard_capacity_)
    forget_oldest_second(shard);
  if (stamp.timestamp <= shard.horizon) return Verdict::before_window;
  // The bucket may have been the one forgotten.
  shard.by_second[stamp.timestamp].insert(stamp.mac);
  ++shard.size;
  return Verdict::fresh;
}

void ReplayGuard::forget_expired(Shard& shard, UnixSeconds now) const {
  if (options_.ttl.count() == 0) return;
  // The codec refuses a token older than the TTL, so none of these can be admitted again.
  const UnixSeconds oldest_valid = now - options_.ttl.count();
  while (!shard.by_second.empty() && shard.by_second.begin()->first < oldest_valid) {
    shard.size -= shard.by_second.begin()->second.size();
    shard.by_second.erase(shard.by_second.begin());
  }
}

void ReplayGuard::forget_oldest_second(Shard& shard) const {
  const auto oldest = shard.by_second.begin();
  shard.horizon = std::max(shard.horizon, oldest->first);
  shard.size -= oldest->second.size();
  shard.by_second.erase(oldest);
}

std::size_t ReplayGuard::size() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.size;
  }
  return total;
}

UnixSeconds ReplayGuard::horizon() const {
  UnixSeconds highest = shards_.front().horizon;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    highest = std::max(highest, shard.horizon);
  }
  return highest;
}

std::string_view to_string(ReplayGuard::Verdict verdict) noexcept {
  switch (verdict) {
    case ReplayGuard::Verdict::fresh:
      return "fresh";
    case ReplayGuard::Verdict::replayed:
      return "replayed";
    case ReplayGuard::Verdict::before_window:
      return "before_window";
  }
  return "unknown";
}

}  // namespace gw::gateway
