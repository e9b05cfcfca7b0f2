// UDP: one token per datagram from a connected socket; a reply not back within a second is
// counted lost and the ping sent again (a lost datagram must not stall the client). Each
// datagram carries a token made for it: the gateway acts on a UDP token once.
#include <array>
#include <chrono>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "load_client.hpp"

namespace gw::bench {

namespace {

namespace asio = boost::asio;
using asio::ip::udp;

class UdpLoadClient final : public LoadClient, public std::enable_shared_from_this<UdpLoadClient> {
 public:
  UdpLoadClient(asio::io_context& io, const Target& target, LoadRun& run)
      : socket_(io), timer_(io), endpoint_(target.address, target.port), run_(run) {}

  void start() override {
    socket_.connect(endpoint_);
    send("handshake");
  }

 private:
  void send(const char* cmd) {
    token_ = run_.fresh_token(cmd);
    socket_.async_send(asio::buffer(token_), [self = shared_from_this(), cmd](
                                                 boost::system::error_code error, std::size_t) {
      if (error) return self->run_.count_failure("udp send: " + error.message());
      self->receive(cmd);
    });
  }

  void receive(const char* cmd) {
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code error) {
      if (!error) self->socket_.cancel();  // the receive below completes as aborted
    });
    socket_.async_receive(
        asio::buffer(datagram_),
        [self = shared_from_this(), cmd](boost::system::error_code error, std::size_t size) {
          self->timer_.cancel();
          if (error == asio::error::operation_aborted) {
            ++self->lost_;
            if (self->run_.stopping) return self->run_.client_done();
            return self->send(cmd);
          }
          if (error) return self->run_.count_failure("udp receive: " + error.message());
          self->on_datagram(size, cmd);
        });
  }

  void on_datagram(std::size_t size, const char* cmd) {
    if (!run_.check({datagram_.data(), size}, cmd)) return;
    if (run_.complete(cmd)) send("ping");
  }

  udp::socket socket_;
  asio::steady_timer timer_;
  udp::endpoint endpoint_;
  LoadRun& run_;
  std::string token_;  // the datagram in flight
  std::array<char, 65536> datagram_{};
  std::uint64_t lost_ = 0;
};

}  // namespace

std::shared_ptr<LoadClient> make_udp_load_client(asio::io_context& io, const Target& target,
                                                 LoadRun& run) {
  return std::make_shared<UdpLoadClient>(io, target, run);
}

}  // namespace gw::bench
