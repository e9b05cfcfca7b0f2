#include "stream_transport.hpp"

#include <chrono>
#include <system_error>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "network.hpp"

namespace gw::transports {

namespace asio = boost::asio;
using asio::ip::tcp;

StreamTransport::StreamTransport(TransportKind kind, const TransportContext& context,
                                 std::uint16_t port, StartSession start_session)
    : kind_(kind),
      io_(context.io),
      bind_address_(context.bind_address),
      requested_port_(port),
      start_session_(std::move(start_session)),
      strand_(asio::make_strand(context.io)),
      acceptor_(strand_),
      retry_timer_(strand_),
      refusal_timer_(strand_),
      context_(std::make_shared<ConnectionContext>(context.handler, context.stats, context.limits,
                                                   kind, context.tls)) {}

void StreamTransport::start() {
  const auto address = listen_address(bind_address_);
  boost::system::error_code error;
  const tcp::endpoint endpoint(address, requested_port_);
  const auto fail = [&](const char* step) {
    throw std::system_error(
        error, std::string(to_string(kind_)) + " listener on " + to_string(endpoint) + ": " + step);
  };
  acceptor_.open(endpoint.protocol(), error);
  if (error) fail("open");
  // Lets a restarted gateway bind again while old connections sit in TIME_WAIT.
  acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
  if (error) fail("SO_REUSEADDR");
  acceptor_.bind(endpoint, error);
  if (error) fail("bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) fail("listen");
  bound_ = acceptor_.local_endpoint();
  asio::post(strand_, [this] {
    do_accept();
    flush_refusals_later();
  });
}

// The last summary of a flood of refused connections is written when the flood ends, not
// with the next refusal, which may never come.
void StreamTransport::flush_refusals_later() {
  refusal_timer_.expires_after(context_->refusals.interval());
  refusal_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || !acceptor_.is_open()) return;
    context_->refusals.flush();
    flush_refusals_later();
  });
}

void StreamTransport::stop() {
  asio::post(strand_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
    refusal_timer_.cancel();
  });
  context_->connections.close_all();
}

std::string StreamTransport::address() const {
  return to_string(bound_);
}

void StreamTransport::do_accept() {
  acceptor_.async_accept(asio::make_strand(io_),
                         [this](const boost::system::error_code& error, tcp::socket socket) {
                           on_accept(error, std::move(socket));
                         });
}

void StreamTransport::on_accept(const boost::system::error_code& error, tcp::socket socket) {
  if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (error) {
    // Out of file descriptors, typically: wait a moment rather than spin on accept.
    spdlog::warn("{} listener: accept failed: {}; retrying in 100 ms", to_string(kind_),
                 error.message());
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([this](const boost::system::error_code& wait_error) {
      if (!wait_error) do_accept();
    });
    return;
  }
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  start_session_(std::move(socket), context_);
  do_accept();
}

}  // namespace gw::transports
