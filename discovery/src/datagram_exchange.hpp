#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/udp.hpp>

#include <gw/discovery/network_interface.hpp>

namespace gw::discovery {

// One UDP request to every gateway on the LANs of some interfaces: the token goes out from a
// socket per interface, bound to the interface's address so that even the limited broadcast
// (255.255.255.255) leaves by that interface, to the limited and the interface's own broadcast
// address. Every datagram that comes back is handed over until the timeout.
class DatagramExchange {
 public:
  using Endpoint = boost::asio::ip::udp::endpoint;
  // Returns false to stop early.
  using OnDatagram =
      std::function<bool(std::string_view bytes, const Endpoint& from, double elapsed_ms)>;

  DatagramExchange(std::vector<NetworkInterface> interfaces, std::uint16_t port,
                   std::chrono::milliseconds timeout);

  // Sends `token` and collects answers. Returns a warning for each send that failed;
  // std::runtime_error when every one did, std::invalid_argument when no interface has a
  // broadcast address.
  std::vector<std::string> run(const std::string& token, const OnDatagram& on_datagram);

 private:
  std::vector<NetworkInterface> interfaces_;
  std::uint16_t port_;
  std::chrono::milliseconds timeout_;
};

}  // namespace gw::discovery
