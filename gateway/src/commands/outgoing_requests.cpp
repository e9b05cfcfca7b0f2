#include <gw/gateway/outgoing_requests.hpp>

namespace gw::gateway {

std::string OutgoingRequests::add(std::string client_id, Clock::time_point deadline,
                                  Callback callback) {
  std::lock_guard lock(mutex_);
  auto id = std::string(id_prefix) + std::to_string(next_++);
  pending_.emplace(id, Pending{std::move(client_id), deadline, std::move(callback)});
  return id;
}

bool OutgoingRequests::take_reply(const std::string& client_id, const message::Message& message) {
  if (!message.id.starts_with(id_prefix)) return false;
  Callback callback;
  {
    std::lock_guard lock(mutex_);
    const auto found = pending_.find(message.id);
    if (found == pending_.end() || found->second.client_id != client_id) return false;
    callback = std::move(found->second.callback);
    pending_.erase(found);
  }
  callback(message);
  return true;
}

void OutgoingRequests::withdraw(const std::string& id) {
  std::lock_guard lock(mutex_);
  pending_.erase(id);
}

void OutgoingRequests::tick(Clock::time_point now) {
  std::vector<Callback> expired;
  {
    std::lock_guard lock(mutex_);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.deadline > now) {
        ++it;
        continue;
      }
      expired.push_back(std::move(it->second.callback));
      it = pending_.erase(it);
    }
  }
  for (const auto& callback : expired)
    callback(std::nullopt);
}

void OutgoingRequests::cancel_all() {
  tick(Clock::time_point::max());
}

std::size_t OutgoingRequests::pending() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

}  // namespace gw::gateway
