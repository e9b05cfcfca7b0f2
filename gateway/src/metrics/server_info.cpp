#include <charconv>
#include <cstdio>
#include <ctime>

#include <gw/gateway/server_info.hpp>
#include <gw/transports/listeners.hpp>

namespace gw::gateway {

double ServerInfo::uptime_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

nlohmann::json ServerInfo::server_json() const {
  auto json = clock_json();
  json["name"] = name;
  json["id"] = id;
  json["version"] = version;
  if (!cluster.empty()) {
    json["cluster"] = cluster;
    json["node"] = node;
  }
  return json;
}

nlohmann::json ServerInfo::endpoints_json() const {
  const auto port = [](const std::optional<std::uint16_t>& p) {
    return p ? nlohmann::json(*p) : nlohmann::json(nullptr);
  };
  return {{"http", port(http_port)},
          {"ws", port(ws_port)},
          {"ws_path", std::string(transports::websocket_path)},
          {"udp", port(udp_port)},
          {"tcp", port(tcp_port)},
          {"tls", tls}};
}

nlohmann::json ServerInfo::discovery_json() const {
  return {{"server", server_json()}, {"endpoints", endpoints_json()}};
}

namespace {
using SystemTime = std::chrono::system_clock::time_point;

double unix_seconds(SystemTime when) {
  using namespace std::chrono;
  return static_cast<double>(duration_cast<milliseconds>(when.time_since_epoch()).count()) / 1000.0;
}
}  // namespace

std::string iso8601(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  const auto seconds = system_clock::to_time_t(when);
  const auto millis = static_cast<int>(
      (duration_cast<milliseconds>(when.time_since_epoch()).count() % 1000 + 1000) % 1000);
  // Every message the gateway writes carries a time: the calendar part is worked out once a
  // second per thread, not once a message.
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached_text;
  if (seconds != cached_second) {
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    cached_text.assign(text, std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc));
    cached_second = seconds;
  }
  std::string result;
  result.reserve(cached_text.size() + 5);
  result = cached_text;
  const char fraction[] = {'.', char('0' + millis / 100), char('0' + millis / 10 % 10),
                           char('0' + millis % 10), 'Z'};
  result.append(fraction, sizeof fraction);
  return result;
}

std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text) {
  using namespace std::chrono;
  const std::string copy(text.substr(0, 40));
  std::tm utc{};
  int consumed = 0;
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &utc.tm_year, &utc.tm_mon,
                  &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &consumed) != 6 ||
      consumed != 19)
    return std::nullopt;
  std::string_view rest = std::string_view(copy).substr(19);
  milliseconds millis{0};
  if (rest.starts_with('.')) {
    rest.remove_prefix(1);
    int digits = 0, value = 0;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      if (digits < 3) value = value * 10 + (rest.front() - '0'), ++digits;
      rest.remove_prefix(1);
    }
    if (digits == 0) return std::nullopt;
    while (digits++ < 3)
      value *= 10;
    millis = milliseconds(value);
  }
  if (rest != "Z" || utc.tm_mon < 1 || utc.tm_mon > 12 || utc.tm_mday < 1 || utc.tm_mday > 31 ||
      utc.tm_hour > 23 || utc.tm_min > 59 || utc.tm_sec > 60)
    return std::nullopt;
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  const auto seconds = timegm(&utc);
  return system_clock::from_time_t(seconds) + millis;
}

std::string iso8601_now() {
  return iso8601(std::chrono::system_clock::now());
}

nlohmann::json clock_json() {
  const auto now = std::chrono::system_clock::now();
  return {{"time", iso8601(now)}, {"unix_time", unix_seconds(now)}};
}

message::JsonText clock_text() {
  // Written straight, without a tree: every ping's reply carries it. std::to_chars writes the
  // shortest text that reads back as the same double, as nlohmann's dump does.
  const auto now = std::chrono::system_clock::now();
  char number[32];
  const auto end = std::to_chars(number, number + sizeof number, unix_seconds(now)).ptr;
  return message::JsonText::from_checked(R"({"time":")" + iso8601(now) + R"(","unix_time":)" +
                                         std::string(number, end) + "}");
}

}  // namespace gw::gateway
