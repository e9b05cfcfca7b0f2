#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <gw/transports/network_list.hpp>

namespace gw::transports {

// Every size and wait the transports enforce. The defaults are written here once; the gateway's
// configuration file carries each of them.
struct Limits {
  // The transports do not know tokens; the gateway checks that this is the codec's default.
  static constexpr std::size_t default_message_bytes = 64 * 1024;
  std::size_t http_header_bytes = 8 * 1024;
  // A token; also the largest WebSocket message, UDP datagram, TCP line and HTTP body.
  std::size_t message_bytes = default_message_bytes;
  std::chrono::seconds header_timeout{10};       // to receive a whole HTTP request once it starts
  std::chrono::seconds http_idle{60};            // between requests on a kept-alive connection
  std::chrono::seconds websocket_ping{30};       // ping an idle WebSocket this often; close it when
                                                 // a ping goes unanswered for as long again
  std::chrono::seconds tcp_idle{300};            // without a line from the client; 0: never
  std::size_t max_connections = 1024;            // per listener (HTTP, WebSocket, TCP)
  std::size_t max_connections_per_address = 64;  // per listener, from one source address
  // From accepting a connection to its first complete HTTP request or WebSocket upgrade, or on
  // the TCP port its first authentic token; a socket that says nothing is closed by then.
  std::chrono::seconds admission_timeout{10};
  std::size_t write_queue_bytes = 1024 * 1024;  // per connection; over it the client is cut off
  std::chrono::seconds close_timeout{3};        // to flush and close cleanly before cutting
  // Browser origins, besides the gateway's own pages, that may open a WebSocket ("*": any).
  // A browser sends Origin with every upgrade; other clients send none and are not affected.
  std::vector<std::string> allowed_origins;
  // Addresses that per-address limits (connections here, message rates in the gateway) do not
  // apply to, such as a reverse proxy's. Empty by default.
  NetworkList trusted_networks;
};

}  // namespace gw::transports
