#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

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
  std::string_view scheme;  // of the URL clients use: "http", "ws", "udp", "tcp"
  std::string_view path;    // of that URL: "/message", "/ws", or none
  bool scheme_shows_tls;    // with TLS on, the scheme gains an "s" (https, wss)

  // Where clients reach it: "wss://192.0.2.1:8001/ws".
  std::string url(std::string_view address, bool tls) const;
};

std::span<const TransportEntry> transport_table();

}  // namespace gw::gateway
