#include "websocket_link.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

#include <gw/client/client_error.hpp>

#include "resolve.hpp"

namespace gw::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {
// A token is at most 64 KiB by the gateway's default; this leaves room for a larger limit.
constexpr std::size_t max_frame_bytes = 1024 * 1024;
}  // namespace

template <class Stream>
WebSocketLink<Stream>::WebSocketLink(asio::io_context& io, GatewayUrl url,
                                     std::shared_ptr<asio::ssl::context> tls)
    : Link(io),
      url_(std::move(url)),
      tls_(std::move(tls)),
      ws_(new_stream<Stream>(io, tls_.get())) {}

template <class Stream>
asio::awaitable<void> WebSocketLink<Stream>::connect(std::chrono::milliseconds timeout) {
  auto& tcp = beast::get_lowest_layer(ws_);
  tcp.expires_after(timeout);
  co_await connect_stream(tcp, url_);
  co_await secure(ws_.next_layer(), url_);
  ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
    request.set(beast::http::field::user_agent, "gw-client");
  }));
  ws_.read_message_max(max_frame_bytes);
  ws_.text(true);
  const auto host = url_.host + ":" + std::to_string(url_.port);
  websocket::response_type response;
  try {
    co_await ws_.async_handshake(response, host, url_.path, asio::use_awaitable);
  } catch (const boost::system::system_error& error) {
    // The gateway says why in the body of a refusal (such as plain ws:// to a TLS port).
    auto why = error.code().message();
    if (!response.body().empty()) why += ": " + gateway_words(response.body());
    throw ClientError(ErrorKind::unreachable,
                      "WebSocket upgrade at " + url_.to_string() + " failed: " + why);
  }
  tcp.expires_never();
}

template <class Stream>
asio::awaitable<std::string> WebSocketLink<Stream>::read() {
  buffer_.clear();
  try {
    co_await ws_.async_read(buffer_, asio::use_awaitable);
  } catch (const boost::system::system_error& error) {
    throw ClientError(ErrorKind::closed, "connection lost: " + error.code().message());
  }
  co_return beast::buffers_to_string(buffer_.data());
}

template <class Stream>
asio::awaitable<void> WebSocketLink<Stream>::write_one(const std::string& frame) {
  co_await ws_.async_write(asio::buffer(frame), asio::use_awaitable);
}

template <class Stream>
void WebSocketLink<Stream>::close() {
  if (!ws_.is_open()) {
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    return;
  }
  // A polite close, cut short after a second if the gateway does not answer it.
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(1));
  ws_.async_close(websocket::close_code::normal,
                  [self = shared_from_this(), this](const boost::system::error_code&) {
                    boost::system::error_code ignored;
                    beast::get_lowest_layer(ws_).socket().close(ignored);
                  });
}

template class WebSocketLink<PlainStream>;
template class WebSocketLink<TlsStream>;

}  // namespace gw::client
