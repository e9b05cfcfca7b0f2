#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// Topic names and subscription filters, as in MQTT: levels split by '/', a filter level '+'
// matches one level and a last level '#' matches the rest (the parent level included).
namespace gw::message::topic {

inline constexpr std::size_t max_length = 256;

// Why `name` cannot be published to, or nothing: 1 to 256 bytes, no wildcard, no control
// character.
std::optional<std::string> check_name(std::string_view name);
// Why `filter` cannot be subscribed to, or nothing: as a name, but '+' may stand for a whole
// level and '#' for the last one.
std::optional<std::string> check_filter(std::string_view filter);

// Whether a valid filter matches a valid topic name. As MQTT does, a filter that starts with a
// wildcard does not match a topic that starts with '$' (system topics are asked for by name).
bool matches(std::string_view filter, std::string_view name);
// Whether every topic the valid filter `filter` matches is matched by the valid filter `wider`
// ("home/#" covers "home/+/temp" and "home"; "home/+" does not cover "home/#").
bool covers(std::string_view wider, std::string_view filter);

}  // namespace gw::message::topic
