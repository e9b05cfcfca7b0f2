#pragma once

#include <gw/transports/handler.hpp>
#include <gw/transports/limits.hpp>
#include <gw/transports/transport_stats.hpp>

#include "live_connections.hpp"

namespace gw::transports {

// What the connections of one listener share. Each connection holds it by shared_ptr, so it
// outlives the listener for as long as a connection's last handler runs.
struct ConnectionContext {
  Handler& handler;
  TransportStatsBoard& stats;  // owned by the gateway, which outlives the io_context
  Limits limits;
  LiveConnections connections;
};

}  // namespace gw::transports
