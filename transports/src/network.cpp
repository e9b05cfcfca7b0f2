#include "network.hpp"

#include <system_error>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>
#include <spdlog/spdlog.h>

namespace gw::transports {

namespace asio = boost::asio;
namespace beast = boost::beast;

bool is_normal_end(const boost::system::error_code& error) noexcept {
  return error == asio::error::eof || error == asio::error::connection_reset ||
         error == asio::error::operation_aborted || error == asio::error::broken_pipe ||
         error == asio::error::not_connected || error == asio::error::bad_descriptor ||
         error == beast::http::error::end_of_stream || error == beast::websocket::error::closed ||
         error == beast::error::timeout || error == asio::ssl::error::stream_truncated;
}

void log_end(std::string_view what, const std::string& peer,
             const boost::system::error_code& error) {
  if (is_normal_end(error))
    spdlog::debug("{} {}: {}", what, peer, error.message());
  else
    spdlog::warn("{} {}: {}", what, peer, error.message());
}

namespace {
template <class Endpoint>
std::string format_endpoint(const Endpoint& endpoint) {
  const auto address = endpoint.address();
  std::string text;
  if (address.is_v6()) text += '[';
  text += address.to_string();
  if (address.is_v6()) text += ']';
  text += ':';
  text += std::to_string(endpoint.port());
  return text;
}
}  // namespace

std::string to_string(const asio::ip::tcp::endpoint& endpoint) {
  return format_endpoint(endpoint);
}
std::string to_string(const asio::ip::udp::endpoint& endpoint) {
  return format_endpoint(endpoint);
}

std::string peer_address(const asio::ip::tcp::socket& socket) {
  boost::system::error_code error;
  const auto peer = socket.remote_endpoint(error);
  return error ? "unknown" : to_string(peer);
}

asio::ip::address listen_address(const std::string& text) {
  boost::system::error_code error;
  const auto address = asio::ip::make_address(text, error);
  if (error) throw std::system_error(error, "bind address '" + text + "' is not an IP address");
  return address;
}

}  // namespace gw::transports
