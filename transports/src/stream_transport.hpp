#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <gw/transports/listeners.hpp>
#include <gw/transports/transport.hpp>

#include "connection_context.hpp"

namespace gw::transports {

// A transport over TCP connections (HTTP, WebSocket, line-framed TCP): one acceptor, the set
// of live connections, and a function that starts a session on each accepted socket.
class StreamTransport final : public Transport {
 public:
  // Starts a session on an accepted socket (already on its own strand) and registers it.
  using StartSession =
      std::function<void(boost::asio::ip::tcp::socket, const std::shared_ptr<ConnectionContext>&)>;

  StreamTransport(TransportKind kind, const TransportContext& context, std::uint16_t port,
                  StartSession start_session);

  TransportKind kind() const noexcept override { return kind_; }
  void start() override;
  void stop() override;
  std::uint16_t port() const noexcept override { return bound_.port(); }
  std::string address() const override;

 private:
  void do_accept();
  void flush_refusals_later();
  void on_accept(const boost::system::error_code& error, boost::asio::ip::tcp::socket socket);

  TransportKind kind_;
  boost::asio::io_context& io_;
  std::string bind_address_;
  std::uint16_t requested_port_;
  StartSession start_session_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer refusal_timer_;  // writes the refusals' summary when a flood ends
  boost::asio::ip::tcp::endpoint bound_;
  std::shared_ptr<ConnectionContext> context_;
};

}  // namespace gw::transports
