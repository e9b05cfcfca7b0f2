#include "link.hpp"
#include "tcp_link.hpp"
#include "udp_link.hpp"
#include "websocket_link.hpp"

namespace gw::client {

std::shared_ptr<Link> make_link(boost::asio::io_context& io, const GatewayUrl& url,
                                const std::shared_ptr<boost::asio::ssl::context>& tls) {
  switch (url.scheme) {
    case Scheme::ws:
      if (url.tls) return std::make_shared<WebSocketLink<TlsStream>>(io, url, tls);
      return std::make_shared<WebSocketLink<PlainStream>>(io, url, nullptr);
    case Scheme::tcp:
      return std::make_shared<TcpLink>(io, url);
    case Scheme::udp:
      return std::make_shared<UdpLink>(io, url);
    case Scheme::http:
      break;
  }
  return nullptr;
}

}  // namespace gw::client
