#include "tls_detector.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <spdlog/spdlog.h>

#include "network.hpp"

namespace gw::transports {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {
const std::string& plaintext_refusal() {
  static const std::string response = [] {
    const std::string body = "this port speaks TLS only: use https:// (or wss:// for WebSocket)\n";
    return "HTTP/1.1 400 Bad Request\r\nServer: gatewayd\r\n"
           "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  return response;
}
}  // namespace

TlsDetector::TlsDetector(asio::ip::tcp::socket socket, HttpMode mode,
                         std::shared_ptr<ConnectionContext> context)
    : stream_(std::move(socket)),
      buffer_(request_buffer(context->limits)),
      mode_(mode),
      context_(std::move(context)) {
  remote_address_ = peer_address(stream_.socket());
}

void TlsDetector::run() {
  stream_.expires_after(context_->limits.admission_timeout);
  beast::async_detect_ssl(
      stream_, buffer_,
      [self = shared_from_this()](const boost::system::error_code& error, bool is_tls) {
        self->on_detect(error, is_tls);
      });
}

void TlsDetector::on_detect(const boost::system::error_code& error, bool is_tls) {
  if (error) return log_end("http: connection", remote_address_, error);
  if (!is_tls) return refuse_plaintext();
  std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(stream_), *context_->tls), mode_,
                                           context_, std::move(buffer_))
      ->run();
}

void TlsDetector::refuse_plaintext() {
  spdlog::info("http: refused {}: plaintext on a TLS listener", remote_address_);
  asio::async_write(stream_, asio::buffer(plaintext_refusal()),
                    [self = shared_from_this()](const boost::system::error_code&, std::size_t) {
                      boost::system::error_code ignored;
                      self->stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send,
                                                      ignored);
                    });
}

}  // namespace gw::transports
