#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/strand.hpp>

#include <gw/transports/listeners.hpp>
#include <gw/transports/transport.hpp>

namespace gw::transports {

// One UDP socket: each datagram is one token, handed over with a session that answers to the
// datagram's source address. Replies are sent from the same socket, a bounded number at once.
class UdpTransport final : public Transport, public std::enable_shared_from_this<UdpTransport> {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

  UdpTransport(const TransportContext& context, std::uint16_t port);

  TransportKind kind() const noexcept override { return TransportKind::udp; }
  void start() override;
  void stop() override;
  std::uint16_t port() const noexcept override { return bound_.port(); }
  std::string address() const override;

  // Sends one datagram from the listening socket. Thread-safe; drops (and counts) what cannot
  // be sent now rather than queue without bound.
  void send_to(const boost::asio::ip::udp::endpoint& peer, Frame frame);

 private:
  void do_receive();
  void on_receive(const boost::system::error_code& error, std::size_t size);

  Handler& handler_;
  TransportStats& stats_;
  std::string bind_address_;
  std::uint16_t requested_port_;
  std::size_t message_bytes_;
  Strand strand_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint bound_;
  boost::asio::ip::udp::endpoint sender_;
  std::vector<char> datagram_;
  std::size_t sends_in_flight_ = 0;
  bool stopped_ = false;
};

}  // namespace gw::transports
