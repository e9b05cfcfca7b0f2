#include <ctime>

#include <gw/gateway/server_info.hpp>
#include <gw/transports/listeners.hpp>

namespace gw::gateway {

double ServerInfo::uptime_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

nlohmann::json ServerInfo::server_json() const {
  return {{"name", name},
          {"id", id},
          {"version", version},
          {"time", iso8601_now()},
          {"unix_time", unix_time_now()}};
}

nlohmann::json ServerInfo::endpoints_json() const {
  const auto port = [](const std::optional<std::uint16_t>& p) {
    return p ? nlohmann::json(*p) : nlohmann::json(nullptr);
  };
  return {{"http", port(http_port)},
          {"ws", port(ws_port)},
          {"ws_path", std::string(transports::websocket_path)},
          {"udp", port(udp_port)},
          {"tcp", port(tcp_port)}};
}

std::string iso8601_now() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto seconds = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  const auto length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03dZ", static_cast<int>(millis));
  return std::string(text, length) + fraction;
}

double unix_time_now() {
  using namespace std::chrono;
  const auto millis = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  return static_cast<double>(millis) / 1000.0;
}

}  // namespace gw::gateway
