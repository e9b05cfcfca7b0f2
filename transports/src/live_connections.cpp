#include "live_connections.hpp"

#include <vector>

namespace gw::transports {

std::uint64_t LiveConnections::add(std::weak_ptr<Closable> connection, std::size_t limit) {
  std::lock_guard lock(mutex_);
  if (connections_.size() >= limit) return 0;
  const auto id = next_id_++;
  connections_.emplace(id, std::move(connection));
  return id;
}

void LiveConnections::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  connections_.erase(id);
}

void LiveConnections::close_all() {
  // Copied out first: close() may finish synchronously and call remove().
  std::vector<std::shared_ptr<Closable>> open;
  {
    std::lock_guard lock(mutex_);
    open.reserve(connections_.size());
    for (auto& [id, weak] : connections_)
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
  }
  for (auto& connection : open)
    connection->close();
}

}  // namespace gw::transports
