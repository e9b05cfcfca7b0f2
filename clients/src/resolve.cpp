#include "resolve.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gw/client/client_error.hpp>

namespace gw::client {

namespace asio = boost::asio;

asio::awaitable<void> connect_stream(boost::beast::tcp_stream& stream, const GatewayUrl& url) {
  asio::ip::tcp::resolver resolver(stream.get_executor());
  try {
    const auto endpoints =
        co_await resolver.async_resolve(url.host, std::to_string(url.port), asio::use_awaitable);
    co_await stream.async_connect(endpoints, asio::use_awaitable);
    // Connecting to a port of this host that nothing listens on (a gateway restarting) can,
    // rarely, connect the socket to itself (TCP's simultaneous open, when the kernel picks that
    // very port as the source): it would read its own bytes back, and hold the port the
    // gateway is about to listen on. Taken for what it is: nothing listening.
    const auto& socket = stream.socket();
    if (socket.local_endpoint() == socket.remote_endpoint()) {
      stream.close();
      throw boost::system::system_error(asio::error::connection_refused);
    }
  } catch (const boost::system::system_error& error) {
    const auto why = error.code() == boost::beast::error::timeout ? std::string("timed out")
                                                                  : error.code().message();
    throw ClientError(ErrorKind::unreachable, "cannot connect to " + url.to_string() + ": " + why);
  }
}

std::string gateway_words(std::string_view body) {
  body = body.substr(0, 200);
  while (body.ends_with('\n'))
    body.remove_suffix(1);
  return std::string(body);
}

}  // namespace gw::client
