#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include <gw/discovery/announce_beacon.hpp>
#include <gw/discovery/network_interface.hpp>

namespace gw::discovery {

namespace asio = boost::asio;
using asio::ip::udp;

struct AnnounceBeacon::State : std::enable_shared_from_this<State> {
  State(asio::io_context& io, std::uint16_t beacon_port, std::chrono::seconds every,
        std::function<std::string()> token)
      : strand(asio::make_strand(io)),
        timer(strand),
        socket(strand),
        port(beacon_port),
        interval(every),
        make_token(std::move(token)) {}

  void send_all() {
    if (stopped) return;
    std::vector<NetworkInterface> interfaces;
    try {
      interfaces = list_interfaces();
    } catch (const std::exception& error) {
      spdlog::warn("announce: {}", error.what());
    }
    const auto token = make_token();
    if (token.empty()) return spdlog::error("announce: the beacon could not be encoded");
    std::size_t sent = 0;
    for (const auto& interface : interfaces) {
      if (interface.loopback || !interface.broadcast) continue;
      boost::system::error_code error;
      socket.send_to(asio::buffer(token), udp::endpoint(*interface.broadcast, port), 0, error);
      if (error)
        spdlog::debug("announce: {} to {}: {}", interface.name, interface.broadcast->to_string(),
                      error.message());
      else
        ++sent;
    }
    if (sent == 0 && !warned)
      spdlog::warn(
          "announce: no interface with a broadcast address took "
          "the beacon; trying again every {} s",
          interval.count());
    warned = sent == 0;
  }

  void wait() {
    timer.expires_after(interval);
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (error || self->stopped) return;
      self->send_all();
      self->wait();
    });
  }

  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer timer;
  udp::socket socket;
  std::uint16_t port;
  std::chrono::seconds interval;
  std::function<std::string()> make_token;
  bool stopped = false;
  bool warned = false;
};

AnnounceBeacon::AnnounceBeacon(asio::io_context& io, std::uint16_t port,
                               std::chrono::seconds interval,
                               std::function<std::string()> make_token)
    : state_(std::make_shared<State>(io, port, interval, std::move(make_token))) {}

AnnounceBeacon::~AnnounceBeacon() = default;

void AnnounceBeacon::start() {
  boost::system::error_code error;
  state_->socket.open(udp::v4(), error);
  if (!error) state_->socket.set_option(udp::socket::broadcast(true), error);
  if (error) throw std::system_error(error, "announce: cannot open a broadcast socket");
  spdlog::info("announcing this gateway every {} s on UDP port {}", state_->interval.count(),
               state_->port);
  asio::post(state_->strand, [state = state_] {
    state->send_all();  // at once, so that a listener started with the gateway hears it
    state->wait();
  });
}

void AnnounceBeacon::stop() {
  asio::post(state_->strand, [state = state_] {
    state->stopped = true;
    state->timer.cancel();
    boost::system::error_code ignored;
    state->socket.close(ignored);
  });
}

}  // namespace gw::discovery
