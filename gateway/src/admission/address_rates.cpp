#include "address_rates.hpp"

#include <algorithm>
#include <functional>

namespace gw::gateway {

AddressRates::AddressRates(const RateLimits& limits)
    : limits_(limits),
      shard_capacity_(std::max<std::size_t>(1, limits.tracked_addresses / shard_count)) {}

AddressRates::Shard& AddressRates::shard_of(std::string_view host) {
  return shards_[std::hash<std::string_view>{}(host) % shard_count];
}

AddressRates::Entry& AddressRates::entry(Shard& shard, std::string_view host,
                                         Clock::time_point now) {
  if (const auto found = shard.by_host.find(host); found != shard.by_host.end())
    return move_to_front(shard, found->second);
  if (shard.by_host.size() >= shard_capacity_) {
    shard.by_host.erase(shard.recent.back().host);
    shard.recent.pop_back();
  }
  shard.recent.push_front(Entry{std::string(host), TokenBucket(now), TokenBucket(now)});
  // The key views the entry's own string, which a list node never moves.
  shard.by_host.emplace(shard.recent.front().host, shard.recent.begin());
  return shard.recent.front();
}

AddressRates::Entry& AddressRates::move_to_front(Shard& shard, std::list<Entry>::iterator found) {
  shard.recent.splice(shard.recent.begin(), shard.recent, found);
  return *found;
}

AddressRates::Admission AddressRates::admit_message(std::string_view host, Clock::time_point now) {
  const bool counts_messages = limits_.address.per_second > 0;
  const bool counts_undecryptable = limits_.undecryptable.per_second > 0;
  if (!counts_messages && !counts_undecryptable) return Admission::admitted;
  auto& shard = shard_of(host);
  std::lock_guard lock(shard.mutex);
  const auto found = shard.by_host.find(host);
  const bool known = found != shard.by_host.end();
  if (counts_undecryptable && known &&
      !found->second->undecryptable.has_token(limits_.undecryptable, now))
    return Admission::undecryptable_spent;
  if (!counts_messages) return Admission::admitted;
  auto& bucket = (known ? move_to_front(shard, found->second) : entry(shard, host, now)).messages;
  return bucket.take(limits_.address, now) ? Admission::admitted : Admission::over_address_rate;
}

void AddressRates::count_undecryptable(std::string_view host, Clock::time_point now) {
  if (limits_.undecryptable.per_second <= 0) return;
  auto& shard = shard_of(host);
  std::lock_guard lock(shard.mutex);
  (void)entry(shard, host, now).undecryptable.take(limits_.undecryptable, now);
}

std::size_t AddressRates::size() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.by_host.size();
  }
  return total;
}

}  // namespace gw::gateway
