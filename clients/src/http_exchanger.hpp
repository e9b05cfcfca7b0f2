#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <gw/client/gateway_url.hpp>

namespace gw::client {

// POST /message exchanges with one gateway over kept-alive connections: one connection per
// exchange in progress, returned to a small pool afterwards, so a held long poll never delays a
// request. Used from the client's thread only.
class HttpExchanger {
 public:
  struct Answer {
    int status = 0;
    std::string body;
  };

  HttpExchanger(boost::asio::io_context& io, GatewayUrl url);

  // ClientError: unreachable when no connection could be made, timeout when no answer came.
  boost::asio::awaitable<Answer> post(std::string token, std::chrono::milliseconds timeout);
  void close();

 private:
  using Stream = std::shared_ptr<boost::beast::tcp_stream>;

  boost::asio::awaitable<Answer> exchange(Stream stream, const std::string& token,
                                          std::chrono::milliseconds timeout);

  static constexpr std::size_t max_idle_streams = 4;
  boost::asio::io_context& io_;
  GatewayUrl url_;
  std::vector<Stream> idle_;
  std::vector<std::weak_ptr<boost::beast::tcp_stream>> busy_;
  bool closed_ = false;
};

}  // namespace gw::client
