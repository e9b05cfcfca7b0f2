#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <gw/client/gateway_url.hpp>

namespace boost::asio::ssl {
class context;
}

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

  virtual ~HttpExchanger() = default;

  // ClientError: unreachable when no connection could be made or the answer is not a token,
  // timeout when no answer came.
  virtual boost::asio::awaitable<Answer> post(std::string token,
                                              std::chrono::milliseconds timeout) = 0;
  virtual void close() = 0;
};

// An exchanger for http:// or, trusting `tls`, https://.
std::unique_ptr<HttpExchanger> make_http_exchanger(
    boost::asio::io_context& io, GatewayUrl url,
    const std::shared_ptr<boost::asio::ssl::context>& tls);

// The exchanger over a PlainStream or a TlsStream (tls_stream.hpp).
template <class Stream>
class BasicHttpExchanger final : public HttpExchanger {
 public:
  BasicHttpExchanger(boost::asio::io_context& io, GatewayUrl url,
                     std::shared_ptr<boost::asio::ssl::context> tls);

  boost::asio::awaitable<Answer> post(std::string token,
                                      std::chrono::milliseconds timeout) override;
  void close() override;

 private:
  using Connection = std::shared_ptr<Stream>;

  boost::asio::awaitable<Answer> exchange(Connection stream, const std::string& token,
                                          std::chrono::milliseconds timeout);

  static constexpr std::size_t max_idle_streams = 4;
  boost::asio::io_context& io_;
  GatewayUrl url_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::vector<Connection> idle_;
  std::vector<std::weak_ptr<Stream>> busy_;
  bool closed_ = false;
};

}  // namespace gw::client
