#include <gw/gateway/transport_table.hpp>

namespace gw::gateway {

namespace {
using transports::TransportKind;

constexpr TransportEntry table[] = {
    {TransportKind::http, &Config::http_port, &ServerInfo::http_port,
     transports::make_http_transport},
    {TransportKind::websocket, &Config::ws_port, &ServerInfo::ws_port,
     transports::make_websocket_transport},
    {TransportKind::udp, &Config::udp_port, &ServerInfo::udp_port, transports::make_udp_transport},
    {TransportKind::tcp, &Config::tcp_port, &ServerInfo::tcp_port, transports::make_tcp_transport},
};
}  // namespace

std::span<const TransportEntry> transport_table() {
  return table;
}

}  // namespace gw::gateway
