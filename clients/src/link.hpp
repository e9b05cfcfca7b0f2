#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <gw/client/gateway_url.hpp>

namespace boost::asio::ssl {
class context;
}

namespace gw::client {

// One connection that carries tokens both ways: WebSocket, TCP lines or UDP datagrams. Used
// from the client's thread only. connect() and read() throw ClientError; a failed write closes
// the link, so the pending read() fails and the client notices.
class Link : public std::enable_shared_from_this<Link> {
 public:
  using Frame = std::shared_ptr<const std::string>;

  virtual ~Link() = default;

  virtual boost::asio::awaitable<void> connect(std::chrono::milliseconds timeout) = 0;
  // The next frame from the gateway.
  virtual boost::asio::awaitable<std::string> read() = 0;
  virtual void close() = 0;
  // Whether the transport knows when the connection is lost (not so UDP).
  virtual bool connected_transport() const = 0;
  // Whether the gateway greets the link before it hears from it (WebSocket's welcome).
  virtual bool greeted() const { return false; }

  // Queues a frame; frames go out one at a time, in order. False when the queue is full.
  bool write(Frame frame);

 protected:
  explicit Link(boost::asio::io_context& io) : io_(io) {}
  virtual boost::asio::awaitable<void> write_one(const std::string& frame) = 0;

  boost::asio::io_context& io_;

 private:
  boost::asio::awaitable<void> drain();

  // Enough for bursts; a gateway that takes nothing for this long is closed by the keep-alive.
  static constexpr std::size_t max_queued_bytes = 4 * 1024 * 1024;
  std::deque<Frame> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
};

// A link of the URL's kind (not HTTP, which has no link: see HttpExchanger). `tls` is what a
// wss:// link trusts.
std::shared_ptr<Link> make_link(boost::asio::io_context& io, const GatewayUrl& url,
                                const std::shared_ptr<boost::asio::ssl::context>& tls);

}  // namespace gw::client
