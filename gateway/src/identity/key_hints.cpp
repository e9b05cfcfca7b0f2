#include "key_hints.hpp"

#include <algorithm>
#include <functional>

namespace gw::gateway {

KeyHints::KeyHints(std::size_t max_hosts)
    : shard_capacity_(std::max<std::size_t>(1, max_hosts / shard_count)) {}

KeyHints::Shard& KeyHints::shard_of(std::string_view host) const {
  return shards_[std::hash<std::string_view>{}(host) % shard_count];
}

KeyHints::Names KeyHints::recent(std::string_view host) const {
  auto& shard = shard_of(host);
  std::lock_guard lock(shard.mutex);
  const auto found = shard.by_host.find(std::string(host));
  return found == shard.by_host.end() ? Names{} : found->second;
}

void KeyHints::heard(std::string_view host, std::string_view device) {
  auto& shard = shard_of(host);
  std::lock_guard lock(shard.mutex);
  auto found = shard.by_host.find(std::string(host));
  if (found == shard.by_host.end()) {
    if (shard.by_host.size() >= shard_capacity_) shard.by_host.clear();
    found = shard.by_host.emplace(std::string(host), Names{}).first;
  }
  auto& names = found->second;
  if (names.count > 0 && names.names[0] == device) return;  // the usual case: nothing changes
  // Latest first: the device moves to the front, the others move back (the last drops off).
  auto end = names.names.begin() + static_cast<std::ptrdiff_t>(names.count);
  auto at = std::find(names.names.begin(), end, device);
  if (at == end) {
    if (names.count < per_host) ++names.count;
    at = names.names.begin() + static_cast<std::ptrdiff_t>(names.count - 1);
  }
  std::rotate(names.names.begin(), at, at + 1);
  names.names[0] = std::string(device);
}

}  // namespace gw::gateway
