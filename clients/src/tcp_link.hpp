#pragma once

#include <boost/beast/core/tcp_stream.hpp>

#include "link.hpp"

namespace gw::client {

// Tokens as lines over TCP.
class TcpLink final : public Link {
 public:
  TcpLink(boost::asio::io_context& io, GatewayUrl url);

  boost::asio::awaitable<void> connect(std::chrono::milliseconds timeout) override;
  boost::asio::awaitable<std::string> read() override;
  void close() override;
  bool connected_transport() const override { return true; }

 protected:
  boost::asio::awaitable<void> write_one(const std::string& frame) override;

 private:
  GatewayUrl url_;
  boost::beast::tcp_stream stream_;
  std::string buffer_;
};

}  // namespace gw::client
