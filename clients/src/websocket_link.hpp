#pragma once

#include <memory>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "link.hpp"
#include "tls_stream.hpp"

namespace gw::client {

// Tokens as WebSocket text frames, over a PlainStream (ws://) or a TlsStream (wss://).
template <class Stream>
class WebSocketLink final : public Link {
 public:
  // `tls`: what a TlsStream trusts; unused by a PlainStream.
  WebSocketLink(boost::asio::io_context& io, GatewayUrl url,
                std::shared_ptr<boost::asio::ssl::context> tls);

  boost::asio::awaitable<void> connect(std::chrono::milliseconds timeout) override;
  boost::asio::awaitable<std::string> read() override;
  void close() override;
  bool connected_transport() const override { return true; }
  bool greeted() const override { return true; }

 protected:
  boost::asio::awaitable<void> write_one(const std::string& frame) override;

 private:
  GatewayUrl url_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  boost::beast::websocket::stream<Stream> ws_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace gw::client
