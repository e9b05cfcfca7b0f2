#include <gw/transports/listeners.hpp>

#include "http_session.hpp"
#include "line_session.hpp"
#include "stream_transport.hpp"
#include "tls_detector.hpp"
#include "tls_stream.hpp"
#include "udp_transport.hpp"

namespace gw::transports {

namespace {
std::shared_ptr<Transport> make_http_like(TransportKind kind, HttpMode mode,
                                          const TransportContext& context, std::uint16_t port) {
  if (context.tls) {
    return std::make_shared<StreamTransport>(
        kind, context, port,
        [mode](boost::asio::ip::tcp::socket socket,
               const std::shared_ptr<ConnectionContext>& shared) {
          std::make_shared<TlsDetector>(std::move(socket), mode, shared)->run();
        });
  }
  return std::make_shared<StreamTransport>(
      kind, context, port,
      [mode](boost::asio::ip::tcp::socket socket,
             const std::shared_ptr<ConnectionContext>& shared) {
        std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)), mode, shared,
                                                   request_buffer(shared->limits))
            ->run();
      });
}
}  // namespace

std::shared_ptr<Transport> make_http_transport(const TransportContext& context,
                                               std::uint16_t port) {
  return make_http_like(TransportKind::http, HttpMode::http, context, port);
}

std::shared_ptr<Transport> make_websocket_transport(const TransportContext& context,
                                                    std::uint16_t port) {
  return make_http_like(TransportKind::websocket, HttpMode::websocket_only, context, port);
}

std::shared_ptr<Transport> make_udp_transport(const TransportContext& context, std::uint16_t port) {
  return std::make_shared<UdpTransport>(context, port);
}

std::shared_ptr<Transport> make_tcp_transport(const TransportContext& context, std::uint16_t port) {
  return std::make_shared<StreamTransport>(
      TransportKind::tcp, context, port,
      [](boost::asio::ip::tcp::socket socket, const std::shared_ptr<ConnectionContext>& shared) {
        std::make_shared<LineSession>(std::move(socket), shared)->run();
      });
}

}  // namespace gw::transports
