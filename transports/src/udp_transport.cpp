#include "udp_transport.hpp"

#include <system_error>

#include <boost/asio/defer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "network.hpp"

namespace gw::transports {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

// Replies being sent at once; a burst beyond this is dropped, as the network would.
constexpr std::size_t max_sends_in_flight = 1024;
// The largest payload of an IPv4 UDP datagram.
constexpr std::size_t max_datagram = 65507;

class UdpPeer final : public Session {
 public:
  UdpPeer(std::shared_ptr<UdpTransport> transport, const udp::endpoint& peer)
      : Session(TransportKind::udp, to_string(peer)),
        transport_(std::move(transport)),
        peer_(peer) {}

  void send(Frame frame) override { transport_->send_to(peer_, std::move(frame)); }
  void close() override {}  // nothing to close: each datagram stands alone

 private:
  std::shared_ptr<UdpTransport> transport_;
  udp::endpoint peer_;
};

}  // namespace

UdpTransport::UdpTransport(const TransportContext& context, std::uint16_t port)
    : handler_(context.handler),
      stats_(context.stats[TransportKind::udp]),
      bind_address_(context.bind_address),
      requested_port_(port),
      message_bytes_(std::min(context.limits.message_bytes, max_datagram)),
      strand_(asio::make_strand(context.io)),
      socket_(strand_),
      datagram_(message_bytes_ + 1) {}  // one more byte tells an oversized datagram apart

void UdpTransport::start() {
  const auto address = listen_address(bind_address_);
  boost::system::error_code error;
  const udp::endpoint endpoint(address, requested_port_);
  const auto fail = [&](const char* step) {
    throw std::system_error(error, "udp listener on " + to_string(endpoint) + ": " + step);
  };
  socket_.open(endpoint.protocol(), error);
  if (error) fail("open");
  // Lets the gateway answer and announce on broadcast addresses (discovery).
  socket_.set_option(udp::socket::broadcast(true), error);
  if (error) fail("SO_BROADCAST");
  socket_.bind(endpoint, error);
  if (error) fail("bind");
  bound_ = socket_.local_endpoint();
  asio::post(strand_, [self = shared_from_this()] { self->do_receive(); });
}

void UdpTransport::stop() {
  asio::post(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    boost::system::error_code ignored;
    self->socket_.close(ignored);
  });
}

std::string UdpTransport::address() const {
  return to_string(bound_);
}

void UdpTransport::do_receive() {
  socket_.async_receive_from(
      asio::buffer(datagram_), sender_,
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t size) {
        self->on_receive(error, size);
      });
}

void UdpTransport::on_receive(const boost::system::error_code& error, std::size_t size) {
  if (stopped_ || error == asio::error::operation_aborted) return;
  if (error) {
    // An ICMP error from an earlier reply (connection refused) lands here; it is not fatal.
    spdlog::debug("udp: receive: {}", error.message());
    return do_receive();
  }
  if (size > message_bytes_) {
    TransportStats::add(stats_.too_large);
    spdlog::debug("udp: dropped a datagram from {} over the limit of {} bytes", to_string(sender_),
                  message_bytes_);
    return do_receive();
  }
  TransportStats::add(stats_.frames_in);
  TransportStats::add(stats_.bytes_in, size);
  handler_.on_frame(std::make_shared<UdpPeer>(shared_from_this(), sender_),
                    std::string_view(datagram_.data(), size));
  do_receive();
}

void UdpTransport::send_to(const udp::endpoint& peer, Frame frame) {
  // Deferred, not posted: queued behind what this thread is doing without waking another
  // thread, which a fan-out to many sessions would otherwise do once per session.
  asio::defer(strand_, [self = shared_from_this(), peer, frame = std::move(frame)] {
    if (self->stopped_ || self->sends_in_flight_ >= max_sends_in_flight) {
      TransportStats::add(self->stats_.dropped);
      return;
    }
    ++self->sends_in_flight_;
    self->socket_.async_send_to(
        asio::buffer(*frame), peer,
        [self, frame](const boost::system::error_code& error, std::size_t size) {
          --self->sends_in_flight_;
          if (error) {
            TransportStats::add(self->stats_.dropped);
            return;
          }
          TransportStats::add(self->stats_.frames_out);
          TransportStats::add(self->stats_.bytes_out, size);
        });
  });
}

}  // namespace gw::transports
