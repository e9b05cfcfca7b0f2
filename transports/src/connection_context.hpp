#pragma once

#include <memory>

#include <gw/transports/handler.hpp>
#include <gw/transports/limits.hpp>
#include <gw/transports/transport_stats.hpp>

#include "live_connections.hpp"

namespace boost::asio::ssl {
class context;
}

namespace gw::transports {

// What the connections of one listener share. Each connection holds it by shared_ptr, so it
// outlives the listener for as long as a connection's last handler runs.
struct ConnectionContext {
  Handler& handler;
  TransportStatsBoard& stats;  // owned by the gateway, which outlives the io_context
  Limits limits;
  LiveConnections connections;
  std::shared_ptr<boost::asio::ssl::context> tls;  // set: TLS only (HTTP and WebSocket)
};

}  // namespace gw::transports
