#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gw/message/json_text.hpp>

namespace gw::gateway {

// Who this gateway is and where it listens, as told to clients in the handshake.
struct ServerInfo {
  std::string name;
  std::string id;  // stable across restarts: kept in the data directory
  std::string version;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // Bound ports, filled in once the listeners are up; none for a listener that is off.
  std::optional<std::uint16_t> http_port, ws_port, udp_port, tcp_port;
  bool tls = false;  // the HTTP and WebSocket ports speak https and wss only
  // In a cluster: its name and this gateway's in it, so that discovery lists a cluster once.
  std::string cluster;
  std::string node;

  double uptime_seconds() const;
  // {name, id, version, time, unix_time}: the gateway's clock, for clients to correct theirs;
  // and {cluster, node} in a cluster.
  nlohmann::json server_json() const;
  // {http, ws, ws_path, udp, tcp, tls}: ports, null when off; tls true when the HTTP and
  // WebSocket ports speak https and wss.
  nlohmann::json endpoints_json() const;
  // {server, endpoints}: what a probe's answer and a beacon carry.
  nlohmann::json discovery_json() const;
};

// A time as ISO-8601 UTC with milliseconds.
std::string iso8601(std::chrono::system_clock::time_point when);
// The wall clock as ISO-8601 UTC with milliseconds, e.g. 2026-11-21T09:30:00.123Z.
std::string iso8601_now();
// A time as iso8601 writes it ("2026-12-04T10:00:00Z", the fraction optional); nothing when
// `text` is not one.
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);
// {time, unix_time}: one reading of the wall clock, as ISO-8601 and as Unix seconds with
// milliseconds, for clients that correct their clock by the gateway's.
nlohmann::json clock_json();
// The same, as the JSON text a message's data holds.
message::JsonText clock_text();

}  // namespace gw::gateway
