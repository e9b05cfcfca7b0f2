#include <gw/gateway/transport_table.hpp>

namespace gw::gateway {

namespace {
using transports::TransportKind;

constexpr TransportEntry table[] = {
    {.kind = TransportKind::http,
     .port = &Config::http_port,
     .bound = &ServerInfo::http_port,
     .make = transports::make_http_transport,
     .scheme = "http",
     .path = "/message",
     .scheme_shows_tls = true},
    {.kind = TransportKind::websocket,
     .port = &Config::ws_port,
     .bound = &ServerInfo::ws_port,
     .make = transports::make_websocket_transport,
     .scheme = "ws",
     .path = "/ws",
     .scheme_shows_tls = true},
    {.kind = TransportKind::udp,
     .port = &Config::udp_port,
     .bound = &ServerInfo::udp_port,
     .make = transports::make_udp_transport,
     .scheme = "udp",
     .path = "",
     .scheme_shows_tls = false},
    {.kind = TransportKind::tcp,
     .port = &Config::tcp_port,
     .bound = &ServerInfo::tcp_port,
     .make = transports::make_tcp_transport,
     .scheme = "tcp",
     .path = "",
     .scheme_shows_tls = false},
};
}  // namespace

std::string TransportEntry::url(std::string_view address, bool tls) const {
  std::string out(scheme);
  if (tls && scheme_shows_tls) out += 's';
  out += "://";
  out += address;
  out += path;
  return out;
}

std::span<const TransportEntry> transport_table() {
  return table;
}

}  // namespace gw::gateway
