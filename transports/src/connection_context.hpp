#pragma once

#include <memory>

#include <gw/transports/handler.hpp>
#include <gw/transports/limits.hpp>
#include <gw/transports/transport_stats.hpp>

#include "live_connections.hpp"
#include "refusal_log.hpp"

namespace boost::asio::ssl {
class context;
}

namespace gw::transports {

// What the connections of one listener share. Each connection holds it by shared_ptr, so it
// outlives the listener for as long as a connection's last handler runs.
struct ConnectionContext {
  ConnectionContext(Handler& handler, TransportStatsBoard& stats, Limits limits,
                    TransportKind listener, std::shared_ptr<boost::asio::ssl::context> tls);

  Handler& handler;
  TransportStatsBoard& stats;  // owned by the gateway, which outlives the io_context
  Limits limits;
  LiveConnections connections;
  // The listener's own kind: what its connections count as until one becomes a WebSocket.
  const TransportKind listener;
  const std::shared_ptr<boost::asio::ssl::context> tls;  // set: TLS only (HTTP and WebSocket)
  RefusalLog refusals;                                   // under the listener's name

  // Registers a new connection from `host` and counts it open; 0 (counted, logged at a
  // bounded rate) when a connection limit refuses it.
  std::uint64_t admit(std::weak_ptr<Closable> connection, std::string_view host,
                      TransportStats& counters);
  // The other half of admit(), for a connection it admitted.
  void release(std::uint64_t id, TransportStats& counters);
};

}  // namespace gw::transports
