#include "topic_activity.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace gw::gateway {

void TopicActivity::set_active(bool active) {
  if (active_.exchange(active, std::memory_order_relaxed) == active || active) return;
  std::lock_guard lock(mutex_);
  topics_.clear();
}

void TopicActivity::seen(std::string_view topic, const message::Message& message,
                         Clock::time_point now) {
  if (!active() || topic.starts_with('$')) return;  // the feed's own are not activity
  std::lock_guard lock(mutex_);
  auto found = topics_.find(topic);
  if (found == topics_.end()) {
    if (topics_.size() == max_topics) {
      const auto oldest = std::min_element(topics_.begin(), topics_.end(), [](auto& a, auto& b) {
        return a.second.last_seen < b.second.last_seen;
      });
      topics_.erase(oldest);
    }
    found = topics_.emplace(std::string(topic), Topic{}).first;
  }
  auto& entry = found->second;
  ++entry.messages;
  entry.last_seen = now;
  entry.from = message.from.empty() ? message.user_id : message.from;
  entry.text = message.text.size() <= max_value_bytes ? message.text : std::string();
  // A value too large to show is left out rather than cut into something that is not JSON.
  entry.data = message.data.empty() || message.data.text().size() > max_value_bytes
                   ? nlohmann::json()
                   : message.data.parse();
}

nlohmann::json TopicActivity::snapshot(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto seconds =
      last_snapshot_ == Clock::time_point{}
          ? 1.0
          : std::max(0.001, std::chrono::duration<double>(now - last_snapshot_).count());
  last_snapshot_ = now;
  std::erase_if(topics_,
                [&](const auto& entry) { return now - entry.second.last_seen > forget_after; });
  std::vector<std::pair<double, nlohmann::json>> rows;
  for (auto& [topic, entry] : topics_) {
    const auto rate = static_cast<double>(entry.messages - entry.at_last_snapshot) / seconds;
    entry.at_last_snapshot = entry.messages;
    const auto ago = std::chrono::duration<double>(now - entry.last_seen).count();
    rows.emplace_back(rate, nlohmann::json{{"topic", topic},
                                           {"messages", entry.messages},
                                           {"rate", std::round(rate * 10) / 10},
                                           {"last",
                                            {{"from", entry.from},
                                             {"text", entry.text},
                                             {"data", entry.data},
                                             {"seconds_ago", std::round(ago * 10) / 10}}}});
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  auto list = nlohmann::json::array();
  for (auto& [rate, row] : rows)
    list.push_back(std::move(row));
  return list;
}

}  // namespace gw::gateway
