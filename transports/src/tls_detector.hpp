#pragma once

#include <memory>
#include <string>

#include <boost/beast/core/flat_buffer.hpp>

#include "connection_context.hpp"
#include "http_session.hpp"
#include "tls_stream.hpp"

namespace gw::transports {

// The first bytes of a connection to a TLS listener. A TLS handshake goes on to an
// HttpSession<TlsStream>; anything else, a plaintext HTTP or WebSocket client that used the
// wrong scheme, gets a plaintext 400 that says to use https:// or wss://, rather than a
// TLS alert it cannot read or a connection that hangs.
class TlsDetector final : public std::enable_shared_from_this<TlsDetector> {
 public:
  TlsDetector(boost::asio::ip::tcp::socket socket, HttpMode mode,
              std::shared_ptr<ConnectionContext> context);

  void run();

 private:
  void on_detect(const boost::system::error_code& error, bool is_tls);
  void refuse_plaintext();

  PlainStream stream_;
  boost::beast::flat_buffer buffer_;
  HttpMode mode_;
  std::shared_ptr<ConnectionContext> context_;
  std::string remote_address_;
};

}  // namespace gw::transports
