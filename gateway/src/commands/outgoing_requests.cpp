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

void OutgoingRequests::end_where(const std::function<bool(const Pending&)>& ends) {
  std::vector<Callback> ended;
  {
    std::lock_guard lock(mutex_);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (!ends(it->second)) {
        ++it;
        continue;
      }
      ended.push_back(std::move(it->second.callback));
      it = pending_.erase(it);
    }
  }
  for (const auto& callback : ended)
    callback(std::nullopt);
}

void OutgoingRequests::tick(Clock::time_point now) {
  end_where([now](const Pending& pending) { return pending.deadline <= now; });
}

void OutgoingRequests::end_for(const std::string& client_id) {
  end_where([&client_id](const Pending& pending) { return pending.client_id == client_id; });
}

void OutgoingRequests::cancel_all() {
  tick(Clock::time_point::max());
}

std::size_t OutgoingRequests::pending() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

}  // namespace gw::gateway
