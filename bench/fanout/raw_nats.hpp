#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace gw::bench {

// A NATS client cut to what the fan-out benchmark needs, built like RawWebSocket so that the
// two servers are measured with clients of the same efficiency: reads in bulk, messages split
// without copying, everything queued sent in one write. Core NATS only: CONNECT, SUB, PUB,
// PING. Not for anything else.
class RawNats : public std::enable_shared_from_this<RawNats> {
 public:
  // The payload of a message on the subscription (valid only during the call).
  using OnMessage = std::function<void(std::string_view payload)>;
  // The server's PONG: every PUB sent before the PING has been taken in.
  using OnPong = std::function<void()>;
  using OnFailure = std::function<void(const std::string& what)>;

  RawNats(boost::asio::io_context& io, OnMessage on_message, OnPong on_pong, OnFailure on_failure);

  // Connects and subscribes to `subject` when it is not empty; `on_ready` once the server has
  // answered the first PING, so that the subscription is in place.
  void start(const boost::asio::ip::tcp::endpoint& server, std::string subject,
             std::function<void()> on_ready);
  // PUB, then PING: the PONG says the server took it, as a gateway's acknowledgement does.
  void publish(std::string_view subject, std::string_view payload);
  void close();

 private:
  void read();
  // Handles every whole line and message in the buffer; keeps a partial one for the next read.
  bool split();
  void send(std::string text);
  void write_next();

  boost::asio::ip::tcp::socket socket_;
  OnMessage on_message_;
  OnPong on_pong_;
  OnFailure on_failure_;
  std::function<void()> on_ready_;
  std::vector<char> buffer_;
  std::size_t filled_ = 0;
  bool writing_ = false;
  std::string outgoing_;
  std::string writing_now_;
};

}  // namespace gw::bench
