#include "datagram_exchange.hpp"

#include <array>
#include <memory>
#include <stdexcept>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace gw::discovery {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

// A gateway's answer is a few hundred bytes; anything up to a UDP datagram's limit is read.
constexpr std::size_t max_datagram = 65507;

struct Listener {
  explicit Listener(asio::io_context& io) : socket(io), buffer(max_datagram) {}
  udp::socket socket;
  udp::endpoint sender;
  std::vector<char> buffer;
};

}  // namespace

DatagramExchange::DatagramExchange(std::vector<NetworkInterface> interfaces, std::uint16_t port,
                                   std::chrono::milliseconds timeout)
    : interfaces_(std::move(interfaces)), port_(port), timeout_(timeout) {}

std::vector<std::string> DatagramExchange::run(const std::string& token,
                                               const OnDatagram& on_datagram) {
  asio::io_context io;
  std::vector<std::unique_ptr<Listener>> listeners;
  std::vector<std::string> warnings;
  std::size_t sent = 0;
  const auto started = std::chrono::steady_clock::now();
  for (const auto& interface : interfaces_) {
    if (!interface.broadcast) continue;  // loopback, point-to-point: no LAN to broadcast on
    auto listener = std::make_unique<Listener>(io);
    auto& socket = listener->socket;
    boost::system::error_code error;
    socket.open(udp::v4(), error);
    if (!error) socket.set_option(udp::socket::broadcast(true), error);
    if (!error) socket.bind(udp::endpoint(interface.address, 0), error);
    if (error) {
      warnings.push_back(interface.name + ": cannot open a UDP socket on " +
                         interface.address.to_string() + ": " + error.message());
      continue;
    }
    const std::array destinations{asio::ip::address_v4::broadcast(), *interface.broadcast};
    for (const auto& destination : destinations) {
      socket.send_to(asio::buffer(token), udp::endpoint(destination, port_), 0, error);
      if (error)
        warnings.push_back(interface.name + ": cannot send to " + destination.to_string() + ":" +
                           std::to_string(port_) + ": " + error.message());
      else
        ++sent;
    }
    listeners.push_back(std::move(listener));
  }
  if (listeners.empty() && warnings.empty())
    throw std::invalid_argument(
        "no interface with a broadcast address to send from (loopback and point-to-point links "
        "have none)");
  if (sent == 0) {
    std::string text = "nothing could be sent:";
    for (const auto& warning : warnings)
      text += "\n  " + warning;
    throw std::runtime_error(text);
  }

  asio::steady_timer deadline(io, timeout_);
  deadline.async_wait([&io](const boost::system::error_code& error) {
    if (!error) io.stop();
  });
  std::function<void(Listener&)> receive = [&](Listener& listener) {
    listener.socket.async_receive_from(
        asio::buffer(listener.buffer), listener.sender,
        [&, &listener = listener](const boost::system::error_code& error, std::size_t size) {
          if (error == asio::error::operation_aborted) return;
          if (!error) {
            const std::chrono::duration<double, std::milli> elapsed =
                std::chrono::steady_clock::now() - started;
            if (!on_datagram(std::string_view(listener.buffer.data(), size), listener.sender,
                             elapsed.count()))
              return io.stop();
          }
          receive(listener);  // an ICMP error from one host does not end the wait for others
        });
  };
  for (auto& listener : listeners)
    receive(*listener);
  io.run();
  return warnings;
}

}  // namespace gw::discovery
