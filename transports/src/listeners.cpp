#include <gw/transports/listeners.hpp>

#include "http_session.hpp"
#include "line_session.hpp"
#include "stream_transport.hpp"
#include "udp_transport.hpp"

namespace gw::transports {

namespace {
std::unique_ptr<Transport> make_http_like(TransportKind kind, HttpSession::Mode mode,
                                          const TransportContext& context, std::uint16_t port) {
  return std::make_unique<StreamTransport>(
      kind, context, port,
      [mode](boost::asio::ip::tcp::socket socket,
             const std::shared_ptr<ConnectionContext>& shared) {
        std::make_shared<HttpSession>(std::move(socket), mode, shared)->run();
      });
}

// The UDP transport is shared with the sessions that reply through it, so a wrapper owns it.
class OwnedUdpTransport final : public Transport {
 public:
  explicit OwnedUdpTransport(std::shared_ptr<UdpTransport> udp) : udp_(std::move(udp)) {}
  TransportKind kind() const noexcept override { return udp_->kind(); }
  void start() override { udp_->start(); }
  void stop() override { udp_->stop(); }
  std::uint16_t port() const noexcept override { return udp_->port(); }
  std::string address() const override { return udp_->address(); }

 private:
  std::shared_ptr<UdpTransport> udp_;
};
}  // namespace

std::unique_ptr<Transport> make_http_transport(const TransportContext& context,
                                               std::uint16_t port) {
  return make_http_like(TransportKind::http, HttpSession::Mode::http, context, port);
}

std::unique_ptr<Transport> make_websocket_transport(const TransportContext& context,
                                                    std::uint16_t port) {
  return make_http_like(TransportKind::websocket, HttpSession::Mode::websocket_only, context, port);
}

std::unique_ptr<Transport> make_udp_transport(const TransportContext& context, std::uint16_t port) {
  return std::make_unique<OwnedUdpTransport>(std::make_shared<UdpTransport>(context, port));
}

std::unique_ptr<Transport> make_tcp_transport(const TransportContext& context, std::uint16_t port) {
  return std::make_unique<StreamTransport>(
      TransportKind::tcp, context, port,
      [](boost::asio::ip::tcp::socket socket, const std::shared_ptr<ConnectionContext>& shared) {
        std::make_shared<LineSession>(std::move(socket), shared)->run();
      });
}

}  // namespace gw::transports
