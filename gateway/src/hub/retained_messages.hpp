#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <gw/message/message.hpp>

namespace gw::gateway {

// Each topic's retained message (MQTT's `retain`): the last one published with retain, kept for
// whoever subscribes later. Bounded in topics. Thread-safe.
class RetainedMessages {
 public:
  explicit RetainedMessages(std::size_t max_topics) : max_topics_(max_topics) {}

  enum class Kept { kept, cleared, too_many };
  // Keeps `message` as the topic's retained message; a null one clears it.
  Kept keep(const std::string& topic, std::shared_ptr<const message::Message> message);
  // The retained messages of the topics `filter` matches, by topic.
  std::vector<std::shared_ptr<const message::Message>> matching(std::string_view filter) const;
  std::size_t size() const;

 private:
  const std::size_t max_topics_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const message::Message>, std::less<>> by_topic_;
};

}  // namespace gw::gateway
