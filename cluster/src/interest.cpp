#include "interest.hpp"

namespace gw::cluster {

bool Interest::add(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto& entry = entries_[key];
  if (++entry.count != 1 || entry.queued) return false;
  entry.queued = true;
  changed_.push_back(key);
  return true;
}

bool Interest::remove(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end() || found->second.count == 0) return false;
  if (--found->second.count != 0 || found->second.queued) return false;
  found->second.queued = true;
  changed_.push_back(key);
  return true;
}

bool Interest::apply(NatsConnection& nats) {
  std::vector<std::string> changed;
  {
    std::lock_guard lock(mutex_);
    changed.swap(changed_);
  }
  if (changed.empty()) return false;
  for (const auto& key : changed) {
    std::vector<NatsConnection::SubscriptionId> dropped;
    bool wanted = false;
    {
      std::lock_guard lock(mutex_);
      auto& entry = entries_[key];
      entry.queued = false;
      wanted = entry.count > 0;
      if (!wanted && entry.subscriptions.empty()) {  // added and removed before subscribing
        entries_.erase(key);
        continue;
      }
      if (wanted == !entry.subscriptions.empty()) continue;  // as it should be already
      if (!wanted) {
        dropped.swap(entry.subscriptions);
        entries_.erase(key);
      }
    }
    for (const auto id : dropped)
      release_ == Release::drain ? nats.drain(id) : nats.unsubscribe(id);
    if (!wanted) continue;
    std::vector<NatsConnection::SubscriptionId> made;
    for (const auto& subject : subjects_(key))
      if (const auto id = nats.subscribe(subject, handler_(key))) made.push_back(id);
    std::lock_guard lock(mutex_);
    auto& entry = entries_[key];
    entry.subscriptions.insert(entry.subscriptions.end(), made.begin(), made.end());
    if (entry.count == 0 && !entry.queued) {  // removed while subscribing: undo next time
      entry.queued = true;
      changed_.push_back(key);
    }
  }
  return true;
}

std::string Interest::first_where(const std::function<bool(const std::string&)>& wanted) const {
  std::lock_guard lock(mutex_);
  for (const auto& [key, entry] : entries_)
    if (entry.count > 0 && wanted(key)) return key;
  return {};
}

std::size_t Interest::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace gw::cluster
