#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "bulk_client.hpp"

namespace gw::bench {

// A WebSocket client cut to what the fan-out benchmark needs: the upgrade written by hand,
// frames split where they were read, client frames masked as RFC 6455 requires. Not for
// anything else.
class RawWebSocket final : public BulkClient {
 public:
  // A text message from the gateway (the payload is valid only during the call).
  using OnText = std::function<void(std::string_view payload)>;

  RawWebSocket(boost::asio::io_context& io, OnText on_text, OnFailure on_failure);

  // Connects, upgrades on /ws, then reads until closed; `on_open` once the upgrade is done.
  void start(const boost::asio::ip::tcp::endpoint& gateway, std::function<void()> on_open);
  // Sends one text message (masked).
  void send(std::string_view text);

 private:
  std::optional<std::size_t> split(std::string_view unread) override;
  std::optional<std::size_t> split_frames(std::string_view unread);

  OnText on_text_;
  std::function<void()> on_open_;
  bool upgraded_ = false;
};

}  // namespace gw::bench
