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
