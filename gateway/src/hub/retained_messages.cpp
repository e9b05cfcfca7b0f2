#include "retained_messages.hpp"

#include <gw/message/topic.hpp>

namespace gw::gateway {

RetainedMessages::Kept RetainedMessages::keep(const std::string& topic,
                                              std::shared_ptr<const message::Message> message) {
  std::lock_guard lock(mutex_);
  if (!message) {
    by_topic_.erase(topic);
    return Kept::cleared;
  }
  const auto found = by_topic_.find(topic);
  if (found != by_topic_.end()) {
    found->second = std::move(message);
    return Kept::kept;
  }
  if (by_topic_.size() >= max_topics_) return Kept::too_many;
  by_topic_.emplace(topic, std::move(message));
  return Kept::kept;
}

std::vector<std::shared_ptr<const message::Message>> RetainedMessages::matching(
    std::string_view filter) const {
  std::vector<std::shared_ptr<const message::Message>> found;
  std::lock_guard lock(mutex_);
  // A filter without wildcards is one topic; others are matched against every retained topic
  // (bounded by max_topics), which a subscribe pays once.
  if (filter.find_first_of("+#") == std::string_view::npos) {
    if (const auto it = by_topic_.find(filter); it != by_topic_.end()) found.push_back(it->second);
    return found;
  }
  for (const auto& [topic, message] : by_topic_)
    if (message::topic::matches(filter, topic)) found.push_back(message);
  return found;
}

std::size_t RetainedMessages::size() const {
  std::lock_guard lock(mutex_);
  return by_topic_.size();
}

}  // namespace gw::gateway
