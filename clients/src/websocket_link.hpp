#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "link.hpp"

namespace gw::client {

// Tokens as WebSocket text frames.
class WebSocketLink final : public Link {
 public:
  WebSocketLink(boost::asio::io_context& io, GatewayUrl url);

  boost::asio::awaitable<void> connect(std::chrono::milliseconds timeout) override;
  boost::asio::awaitable<std::string> read() override;
  void close() override;
  bool connected_transport() const override { return true; }

 protected:
  boost::asio::awaitable<void> write_one(const std::string& frame) override;

 private:
  GatewayUrl url_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace gw::client
