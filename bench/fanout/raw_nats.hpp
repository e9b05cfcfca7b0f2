#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "bulk_client.hpp"

namespace gw::bench {

// A NATS client cut to what the fan-out benchmark needs, built on the same BulkClient as
// RawWebSocket so that the two servers are measured with clients of the same efficiency. Core
// NATS only: CONNECT, SUB, PUB, PING. Not for anything else.
class RawNats final : public BulkClient {
 public:
  // The payload of a message on the subscription (valid only during the call).
  using OnMessage = std::function<void(std::string_view payload)>;
  // The server's PONG: every PUB sent before the PING has been taken in.
  using OnPong = std::function<void()>;

  RawNats(boost::asio::io_context& io, OnMessage on_message, OnPong on_pong, OnFailure on_failure);

  // Connects and subscribes to `subject` when it is not empty; `on_ready` once the server has
  // answered the first PING, so that the subscription is in place.
  void start(const boost::asio::ip::tcp::endpoint& server, std::string subject,
             std::function<void()> on_ready);
  // PUB, then PING: the PONG says the server took it, as a gateway's acknowledgement does.
  void publish(std::string_view subject, std::string_view payload);

 private:
  std::optional<std::size_t> split(std::string_view unread) override;

  OnMessage on_message_;
  OnPong on_pong_;
  std::function<void()> on_ready_;
};

}  // namespace gw::bench
