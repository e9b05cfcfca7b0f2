#include "tcp_link.hpp"

#include <array>

#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <gw/client/client_error.hpp>

#include "resolve.hpp"

namespace gw::client {

namespace asio = boost::asio;

namespace {
constexpr std::size_t max_line_bytes = 1024 * 1024;
}  // namespace

TcpLink::TcpLink(asio::io_context& io, GatewayUrl url)
    : Link(io), url_(std::move(url)), stream_(io) {}

asio::awaitable<void> TcpLink::connect(std::chrono::milliseconds timeout) {
  stream_.expires_after(timeout);
  co_await connect_stream(stream_, url_);
  stream_.expires_never();
}

asio::awaitable<std::string> TcpLink::read() {
  std::size_t length = 0;
  try {
    length = co_await asio::async_read_until(stream_, asio::dynamic_buffer(buffer_, max_line_bytes),
                                             '\n', asio::use_awaitable);
  } catch (const boost::system::system_error& error) {
    throw ClientError(ErrorKind::closed, "connection lost: " + error.code().message());
  }
  auto line = buffer_.substr(0, length - 1);
  buffer_.erase(0, length);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  co_return line;
}

asio::awaitable<void> TcpLink::write_one(const std::string& frame) {
  static constexpr char newline = '\n';
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(frame), asio::buffer(&newline, 1)};
  co_await asio::async_write(stream_, buffers, asio::use_awaitable);
}

void TcpLink::close() {
  boost::system::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

}  // namespace gw::client
