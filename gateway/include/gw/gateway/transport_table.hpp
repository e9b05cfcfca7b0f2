#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include <gw/gateway/config.hpp>
#include <gw/gateway/server_info.hpp>
#include <gw/transports/listeners.hpp>

namespace gw::gateway {

// One transport the gateway can run: the only place transports are registered. A new one
// needs an entry here, its port option (config_options.cpp) and its endpoint (ServerInfo);
// the dispatcher and hub do not change.
struct TransportEntry {
  transports::TransportKind kind;
  ListenerPort Config::*port;                       // configured port; none: off
  std::optional<std::uint16_t> ServerInfo::*bound;  // where clients learn the bound port
  std::shared_ptr<transports::Transport> (*make)(const transports::TransportContext& context,
                                                 std::uint16_t port);
};

std::span<const TransportEntry> transport_table();

}  // namespace gw::gateway
