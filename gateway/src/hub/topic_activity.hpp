#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gw/message/message.hpp>

namespace gw::gateway {

// Which topics are being published to, whether anyone subscribes or not: for each topic seen
// lately, how many messages and the last one. Kept only while the feed has a reader
// (`set_active`), so that a gateway nobody watches pays one relaxed load per publication.
// Bounded: the topics least recently published to give way. Thread-safe.
class TopicActivity {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t max_topics = 256;
  static constexpr std::size_t max_value_bytes = 1024;  // of a last message's data or text
  static constexpr auto forget_after = std::chrono::minutes(5);

  bool active() const noexcept { return active_.load(std::memory_order_relaxed); }
  // Off: everything kept is forgotten, so that a reader later starts from what it sees.
  void set_active(bool active);

  void seen(std::string_view topic, const message::Message& message, Clock::time_point now);

  // [{topic, messages, rate, last: {from, text, data, seconds_ago}}], the busiest first: `rate`
  // per second since the previous snapshot. Topics not seen for `forget_after` are dropped.
  nlohmann::json snapshot(Clock::time_point now);

 private:
  struct Topic {
    std::uint64_t messages = 0;
    std::uint64_t at_last_snapshot = 0;
    Clock::time_point last_seen{};
    std::string from;
    std::string text;
    nlohmann::json data;
  };
  std::atomic<bool> active_{false};
  std::mutex mutex_;
  std::map<std::string, Topic, std::less<>> topics_;
  Clock::time_point last_snapshot_{};
};

}  // namespace gw::gateway
