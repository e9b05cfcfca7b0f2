#pragma once

#include <chrono>
#include <string_view>

namespace gw::gateway {

// The gateway's own feed, as mosquitto's $SYS: topics under `feed_prefix` that it publishes
// once a second while someone subscribes to them ([feed] in the configuration).
struct FeedOptions {
  // Who may subscribe to the feed: admins only (an admin device, or a session after `auth`),
  // or anyone whose subscribe permission covers the filter.
  enum class Readers { admins, subscribers };
  Readers readers = Readers::admins;
  std::chrono::milliseconds every{1000};
};

inline constexpr std::string_view feed_prefix = "$gw/";

// Whether a topic is one of the feed's, which only the gateway publishes.
constexpr bool is_feed_topic(std::string_view topic) noexcept {
  return topic.starts_with(feed_prefix) || topic == "$gw";
}
// Whether a filter may match a feed topic ('+' and '#' do not match a '$' level first).
constexpr bool is_feed_filter(std::string_view filter) noexcept {
  return is_feed_topic(filter);
}

}  // namespace gw::gateway
