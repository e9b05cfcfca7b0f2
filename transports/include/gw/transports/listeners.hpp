#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <gw/transports/handler.hpp>
#include <gw/transports/limits.hpp>
#include <gw/transports/transport.hpp>
#include <gw/transports/transport_stats.hpp>

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}
}  // namespace boost::asio

namespace gw::transports {

// What every transport is built from. The referenced objects outlive the transport.
struct TransportContext {
  boost::asio::io_context& io;
  Handler& handler;
  TransportStatsBoard& stats;
  Limits limits;
  std::string bind_address;  // an IPv4 or IPv6 address; "0.0.0.0" listens on every interface
  // Set: the HTTP and WebSocket listeners speak TLS only (https, wss), on their usual ports.
  // (make_server_tls_context in tls_context.hpp). UDP and TCP ignore it.
  std::shared_ptr<boost::asio::ssl::context> tls;
};

// HTTP: POST /message, GET pages from the handler, and the WebSocket path upgraded.
std::shared_ptr<Transport> make_http_transport(const TransportContext& context, std::uint16_t port);
// WebSocket only: an upgrade on the WebSocket path, anything else 404.
std::shared_ptr<Transport> make_websocket_transport(const TransportContext& context,
                                                    std::uint16_t port);
// UDP: one token per datagram; replies to the sender's address.
std::shared_ptr<Transport> make_udp_transport(const TransportContext& context, std::uint16_t port);
// TCP: one token per line, both ways.
std::shared_ptr<Transport> make_tcp_transport(const TransportContext& context, std::uint16_t port);

// The path WebSocket clients connect to, on the WebSocket and the HTTP port.
inline constexpr std::string_view websocket_path = "/ws";

}  // namespace gw::transports
