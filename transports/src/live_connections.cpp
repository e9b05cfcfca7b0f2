#include "live_connections.hpp"

#include <vector>

namespace gw::transports {

LiveConnections::Admission LiveConnections::add(std::weak_ptr<Closable> connection,
                                                std::string_view host, const Limits& limits) {
  std::lock_guard lock(mutex_);
  if (connections_.size() >= limits.max_connections) return {0, Refusal::listener_full};
  auto [count, inserted] = per_host_.try_emplace(std::string(host), 0);
  // Trusted networks are looked up only when the limit is reached: the usual case stays cheap.
  if (count->second >= limits.max_connections_per_address &&
      !limits.trusted_networks.contains(host))
    return {0, Refusal::address_full};
  ++count->second;
  const auto id = next_id_++;
  connections_.emplace(id, Entry{std::move(connection), count->first});
  return {id, Refusal::none};
}

void LiveConnections::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  const auto found = connections_.find(id);
  if (found == connections_.end()) return;
  if (const auto count = per_host_.find(found->second.host);
      count != per_host_.end() && --count->second == 0)
    per_host_.erase(count);
  connections_.erase(found);
}

void LiveConnections::close_all() {
  // Copied out first: close() may finish synchronously and call remove().
  std::vector<std::shared_ptr<Closable>> open;
  {
    std::lock_guard lock(mutex_);
    open.reserve(connections_.size());
    for (auto& [id, entry] : connections_)
      if (auto connection = entry.connection.lock()) open.push_back(std::move(connection));
  }
  for (auto& connection : open)
    connection->close();
}

std::string describe(LiveConnections::Refusal refusal, const Limits& limits) {
  switch (refusal) {
    case LiveConnections::Refusal::listener_full:
      return "at the limit of " + std::to_string(limits.max_connections) + " connections";
    case LiveConnections::Refusal::address_full:
      return "at the limit of " + std::to_string(limits.max_connections_per_address) +
             " connections from one address";
    case LiveConnections::Refusal::none:
      break;
  }
  return "admitted";
}

}  // namespace gw::transports
