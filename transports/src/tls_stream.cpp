#include "tls_stream.hpp"

#include <chrono>

#include <boost/asio/post.hpp>

namespace gw::transports {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;

namespace {
constexpr std::chrono::seconds close_notify_timeout{1};

void half_close(PlainStream& stream) {
  error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

void complete_soon(PlainStream& stream, StartHandler done) {
  asio::post(stream.get_executor(),
             [done = std::move(done)]() mutable { std::move(done)(error_code{}); });
}
// Boost 1.81's ssl_stream checks the handler of a buffered handshake against the signature of
// the unbuffered one; this handler takes both.
struct BufferedHandshakeDone {
  beast::flat_buffer* received;
  StartHandler done;

  void operator()(const error_code& error, std::size_t used) {
    received->consume(used);
    std::move(done)(error);
  }
  void operator()(const error_code& error) { std::move(done)(error); }
};
}  // namespace

void async_start(PlainStream& stream, beast::flat_buffer&, StartHandler done) {
  complete_soon(stream, std::move(done));
}

void async_start(TlsStream& stream, beast::flat_buffer& received, StartHandler done) {
  stream.async_handshake(asio::ssl::stream_base::server, received.data(),
                         BufferedHandshakeDone{&received, std::move(done)});
}

void async_finish(PlainStream& stream, StartHandler done) {
  half_close(stream);
  complete_soon(stream, std::move(done));
}

void async_finish(TlsStream& stream, StartHandler done) {
  beast::get_lowest_layer(stream).expires_after(close_notify_timeout);
  stream.async_shutdown([&stream, done = std::move(done)](const error_code&) mutable {
    half_close(beast::get_lowest_layer(stream));
    std::move(done)(error_code{});
  });
}

}  // namespace gw::transports
