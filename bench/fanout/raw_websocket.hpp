#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace gw::bench {

// A WebSocket client cut to what the fan-out benchmark needs, so that a thousand of them cost
// the machine little next to the gateway: the upgrade written by hand, frames read in bulk
// and split without copying, client frames masked as RFC 6455 requires. Not for anything else.
class RawWebSocket : public std::enable_shared_from_this<RawWebSocket> {
 public:
  // A text message from the gateway (the payload is valid only during the call).
  using OnText = std::function<void(std::string_view payload)>;
  using OnFailure = std::function<void(const std::string& what)>;

  RawWebSocket(boost::asio::io_context& io, OnText on_text, OnFailure on_failure);

  // Connects, upgrades on /ws, then reads until closed; `on_open` once the upgrade is done.
  void start(const boost::asio::ip::tcp::endpoint& gateway, std::function<void()> on_open);
  // Sends one text message (masked).
  void send(std::string_view text);
  void close();

 private:
  void read_upgrade();
  void read_frames();
  // Calls on_text for each whole frame in the buffer; keeps a partial one for the next read.
  bool split_frames();

  boost::asio::ip::tcp::socket socket_;
  OnText on_text_;
  OnFailure on_failure_;
  std::function<void()> on_open_;
  std::vector<char> buffer_;
  std::size_t filled_ = 0;
  bool writing_ = false;
  std::vector<std::string> outgoing_;
  std::string writing_now_;
  void write_next();
};

}  // namespace gw::bench
