#include "udp_link.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gw/client/client_error.hpp>

namespace gw::client {

namespace asio = boost::asio;
using asio::ip::udp;

UdpLink::UdpLink(asio::io_context& io, GatewayUrl url)
    : Link(io), url_(std::move(url)), socket_(io), buffer_(64 * 1024) {}

asio::awaitable<void> UdpLink::connect(std::chrono::milliseconds) {
  udp::resolver resolver(io_);
  try {
    const auto endpoints =
        co_await resolver.async_resolve(url_.host, std::to_string(url_.port), asio::use_awaitable);
    const auto endpoint = *endpoints.begin();
    socket_.open(endpoint.endpoint().protocol());
    socket_.connect(endpoint);
  } catch (const boost::system::system_error& error) {
    throw ClientError(ErrorKind::unreachable,
                      "cannot reach " + url_.to_string() + ": " + error.code().message());
  }
}

asio::awaitable<std::string> UdpLink::read() {
  for (;;) {
    auto [error, size] =
        co_await socket_.async_receive(asio::buffer(buffer_), asio::as_tuple(asio::use_awaitable));
    // An ICMP "port unreachable" for an earlier datagram: the gateway may come back.
    if (error == asio::error::connection_refused) continue;
    if (error) throw ClientError(ErrorKind::closed, "socket closed: " + error.message());
    co_return std::string(buffer_.data(), size);
  }
}

asio::awaitable<void> UdpLink::write_one(const std::string& frame) {
  auto [error, size] =
      co_await socket_.async_send(asio::buffer(frame), asio::as_tuple(asio::use_awaitable));
  // Refused: the gateway is down now; the datagram is lost as UDP datagrams may be, and the
  // request that sent it times out.
  if (error && error != asio::error::connection_refused) throw boost::system::system_error(error);
  (void)size;
}

void UdpLink::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace gw::client
