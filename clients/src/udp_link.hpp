#pragma once

#include <vector>

#include <boost/asio/ip/udp.hpp>

#include "link.hpp"

namespace gw::client {

// Tokens as datagrams on a connected UDP socket: only the gateway's datagrams are read.
class UdpLink final : public Link {
 public:
  UdpLink(boost::asio::io_context& io, GatewayUrl url);

  boost::asio::awaitable<void> connect(std::chrono::milliseconds timeout) override;
  boost::asio::awaitable<std::string> read() override;
  void close() override;
  bool connected_transport() const override { return false; }

 protected:
  boost::asio::awaitable<void> write_one(const std::string& frame) override;

 private:
  GatewayUrl url_;
  boost::asio::ip::udp::socket socket_;
  std::vector<char> buffer_;
};

}  // namespace gw::client
