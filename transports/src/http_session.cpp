#include "http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include <gw/transports/listeners.hpp>

#include "http_response.hpp"
#include "network.hpp"
#include "origin_policy.hpp"
#include "tls_stream.hpp"
#include "websocket_handshake.hpp"
#include "websocket_session.hpp"

namespace gw::transports {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {
constexpr std::size_t first_read_size = 4096;
constexpr std::string_view message_path = "/message";
constexpr std::string_view plain_text = "text/plain; charset=utf-8";
// A response buffer grown past this for a page is let go after it is written.
constexpr std::size_t kept_response_capacity = 16 * 1024;

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}
}  // namespace

beast::flat_buffer request_buffer(const Limits& limits) {
  return beast::flat_buffer(limits.http_header_bytes + limits.message_bytes);
}

template <class Stream>
HttpSession<Stream>::HttpSession(Stream stream, HttpMode mode,
                                 std::shared_ptr<ConnectionContext> context,
                                 beast::flat_buffer received)
    : stream_(std::move(stream)),
      executor_(stream_.get_executor()),
      buffer_(std::move(received)),
      mode_(mode),
      context_(std::move(context)),
      stats_(context_->stats[context_->listener]) {
  remote_address_ = peer_address(beast::get_lowest_layer(stream_).socket());
}

template <class Stream>
HttpSession<Stream>::~HttpSession() {
  context_->release(connection_id_, stats_);
}

template <class Stream>
void HttpSession<Stream>::run() {
  connection_id_ = context_->admit(weak_from_this(), host_of(remote_address_), stats_);
  if (connection_id_ == 0) return;  // the socket closes with this object
  // Until a first request is complete, one deadline covers the TLS handshake and every read:
  // a socket that trickles bytes, or sends none, cannot hold its place for longer.
  admission_deadline_ = std::chrono::steady_clock::now() + context_->limits.admission_timeout;
  beast::get_lowest_layer(stream_).expires_at(admission_deadline_);
  async_start(stream_, buffer_,
              [self = shared_from_this()](const boost::system::error_code& error) {
                if (!error) return self->do_read();
                // A client that does not trust the certificate ends here: its business, not a
                // fault.
                spdlog::info("http: TLS handshake with {} failed: {}", self->remote_address_,
                             error.message());
                self->end("handshake", {});
              });
}

template <class Stream>
void HttpSession<Stream>::close() {
  asio::dispatch(executor_, [self = shared_from_this()] {
    self->closing_ = true;
    if (self->upgraded_) return;  // the WebSocketSession is closed on its own
    // Between requests nothing is owed to the client; mid-request the answer is written first.
    boost::system::error_code ignored;
    if (self->reading_) beast::get_lowest_layer(self->stream_).socket().close(ignored);
  });
}

template <class Stream>
void HttpSession<Stream>::do_read() {
  if (closing_) return end("closed by the gateway", {});
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(context_->limits.http_header_bytes));
  parser_->body_limit(context_->limits.message_bytes);
  reading_ = true;
  if (buffer_.size() > 0) return read_request();
  // Waiting for the next request is the idle timeout; once it starts, the request timeout.
  arm_deadline(context_->limits.http_idle);
  stream_.async_read_some(
      buffer_.prepare(first_read_size),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t size) {
        if (error) {
          self->reading_ = false;
          if (error == beast::error::timeout) {
            if (self->admission_clock_) {
              TransportStats::add(self->stats_.admission_timeouts);
              return self->end("no request within the admission timeout", {});
            }
            return self->end("idle", {});
          }
          return self->end("read", error);
        }
        self->buffer_.commit(size);
        self->read_request();
      });
}

template <class Stream>
void HttpSession<Stream>::arm_deadline(std::chrono::seconds wait) {
  // Until a first request is complete, every wait ends by the admission deadline at the latest.
  auto deadline = std::chrono::steady_clock::now() + wait;
  admission_clock_ = !admitted_ && admission_deadline_ < deadline;
  if (admission_clock_) deadline = admission_deadline_;
  beast::get_lowest_layer(stream_).expires_at(deadline);
}

template <class Stream>
void HttpSession<Stream>::read_request() {
  // Usually the whole request came in the first read: parse it here, without another
  // asynchronous operation and its timer.
  boost::system::error_code error;
  while (buffer_.size() > 0 && !parser_->is_done()) {
    const auto used = parser_->put(buffer_.data(), error);
    buffer_.consume(used);
    if (error == http::error::need_more) {
      error = {};
      break;
    }
    if (error) return on_read(error);
    if (used == 0) break;
  }
  if (parser_->is_done()) return on_read({});
  arm_deadline(context_->limits.header_timeout);  // a request, once started, must complete
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](const boost::system::error_code& read_error,
                                               std::size_t) { self->on_read(read_error); });
}

template <class Stream>
void HttpSession<Stream>::on_read(const boost::system::error_code& error) {
  reading_ = false;
  if (error == http::error::body_limit) {
    TransportStats::add(stats_.too_large);
    // The body was not read: the connection cannot carry another request.
    auto exchange = std::make_shared<HttpExchange>(shared_from_this(), true);
    return context_->handler.on_too_large(exchange);
  }
  if (error == http::error::header_limit) {
    return write(431, plain_text,
                 "request headers over the limit of " +
                     std::to_string(context_->limits.http_header_bytes) + " bytes\n",
                 true);
  }
  if (error == beast::error::timeout) {
    TransportStats::add(admission_clock_ ? stats_.admission_timeouts : stats_.timeouts);
    spdlog::info("http: closed {}: request not complete within {} s", remote_address_,
                 context_->limits.header_timeout.count());
    return end("timeout", {});
  }
  if (error && error.category() == http::make_error_code(http::error::bad_target).category() &&
      error != http::error::end_of_stream && error != http::error::partial_message) {
    return write(400, plain_text, "malformed HTTP request: " + error.message() + "\n", true);
  }
  if (error) return end("read", error);
  auto& request = parser_->get();
  admitted_ = true;
  request_version_ = request.version();
  route(request);
}

template <class Stream>
void HttpSession<Stream>::route(Request& request) {
  const auto path = path_of(request.target());
  if (path == websocket_path) {
    if (beast::websocket::is_upgrade(request)) {
      if (auto refusal = refused_origin(request[http::field::origin], request[http::field::host],
                                        context_->limits.allowed_origins)) {
        // Logged, not counted in stats_.refused: that counter is the connection limit's.
        spdlog::info("http: refused a WebSocket upgrade from {}: Origin {}", remote_address_,
                     std::string(request[http::field::origin]));
        return write(403, plain_text, *refusal, true);
      }
      if (auto refusal = refused_upgrade(request[http::field::sec_websocket_key],
                                         request[http::field::sec_websocket_version])) {
        return write(refusal->status, plain_text, refusal->text, true, {},
                     refusal->wrong_version ? served_websocket_version : std::string_view());
      }
      return upgrade();
    }
    return write(426, plain_text, "WebSocket clients only: send an Upgrade request\n",
                 !request.keep_alive());
  }
  if (mode_ == HttpMode::websocket_only) {
    return write(404, plain_text,
                 "this port serves WebSocket clients at " + std::string(websocket_path) + "\n",
                 !request.keep_alive());
  }
  if (path == message_path) {
    if (request.method() != http::verb::post)
      return write(405, plain_text, "POST a token to /message\n", !request.keep_alive(), "POST");
    return serve_message(request);
  }
  auto page = context_->handler.page(path);
  if (page.status != 404 && request.method() != http::verb::get)
    return write(405, plain_text, "only GET here\n", !request.keep_alive(), "GET");
  write(page.status, page.content_type, page.body, !request.keep_alive());
}

template <class Stream>
void HttpSession<Stream>::serve_message(Request& request) {
  const auto& body = request.body();
  TransportStats::add(stats_.frames_in);
  TransportStats::add(stats_.bytes_in, body.size());
  auto exchange = std::make_shared<HttpExchange>(shared_from_this(), !request.keep_alive());
  context_->handler.on_frame(exchange, body);
}

template <class Stream>
void HttpSession<Stream>::upgrade() {
  if (closing_) return end("closed by the gateway", {});
  // The WebSocket session takes the connection over; this one ends without a response, and
  // gives up its place first so that the connection is not counted twice.
  upgraded_ = true;
  context_->release(std::exchange(connection_id_, 0), stats_);
  const auto request = parser_->release();
  const auto target = request.target();
  const auto key = request[http::field::sec_websocket_key];
  std::make_shared<WebSocketSession<Stream>>(std::move(stream_), context_)
      ->run({target.data(), target.size()}, {key.data(), key.size()});
}

template <class Stream>
void HttpSession<Stream>::answer(Frame frame, int status, bool close_after) {
  asio::dispatch(executor_,
                 [self = shared_from_this(), frame = std::move(frame), status, close_after] {
                   TransportStats::add(self->stats_.frames_out);
                   TransportStats::add(self->stats_.bytes_out, frame->size());
                   self->write(status, plain_text, *frame, close_after);
                 });
}

template <class Stream>
void HttpSession<Stream>::write(int status, std::string_view content_type, std::string_view body,
                                bool close_after, std::string_view allow,
                                std::string_view websocket_version) {
  close_after = close_after || closing_;
  response_.clear();
  append_response_head(response_, {.status = status,
                                   .version = request_version_,
                                   .content_type = content_type,
                                   .content_length = body.size(),
                                   .close_after = close_after,
                                   .allow = allow,
                                   .websocket_version = websocket_version});
  response_ += body;
  beast::get_lowest_layer(stream_).expires_after(context_->limits.header_timeout);
  asio::async_write(stream_, asio::buffer(response_),
                    [self = shared_from_this(), close_after](const boost::system::error_code& error,
                                                             std::size_t) {
                      self->on_write(error, close_after);
                    });
}

template <class Stream>
void HttpSession<Stream>::on_write(const boost::system::error_code& error, bool close_after) {
  if (response_.capacity() > kept_response_capacity) std::string().swap(response_);
  if (error) return end("write", error);
  if (close_after) {
    async_finish(stream_, [self = shared_from_this()](const boost::system::error_code&) {});
    return;
  }
  do_read();
}

template <class Stream>
void HttpSession<Stream>::end(std::string_view why, const boost::system::error_code& error) {
  if (error)
    log_end("http: connection", remote_address_, error);
  else
    spdlog::debug("http: connection {} ended: {}", remote_address_, why);
  boost::system::error_code ignored;
  beast::get_lowest_layer(stream_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
}

template class HttpSession<PlainStream>;
template class HttpSession<TlsStream>;

HttpExchange::HttpExchange(std::shared_ptr<HttpConnection> connection, bool close_after)
    : Session(TransportKind::http, connection->remote_address()),
      connection_(std::move(connection)),
      close_after_(close_after) {}

HttpExchange::~HttpExchange() {
  if (answered_.exchange(true)) return;
  spdlog::error("http: request from {} was left unanswered; answering 500",
                connection_->remote_address());
  connection_->answer(std::make_shared<const std::string>(), 500, true);
}

void HttpExchange::reply(Frame frame, int status) {
  if (answered_.exchange(true)) return;
  connection_->answer(std::move(frame), status, close_after_);
}

void HttpExchange::close() {
  if (answered_.exchange(true)) return;
  connection_->answer(std::make_shared<const std::string>(), 503, true);
}

}  // namespace gw::transports
