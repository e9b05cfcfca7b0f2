#include "websocket_session.hpp"

#include <boost/asio/defer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket/error.hpp>
#include <spdlog/spdlog.h>

#include "network.hpp"
#include "tls_stream.hpp"
#include "websocket_frame.hpp"

namespace gw::transports {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {
// The most of a message read at a time (bytes). A short message's token is about 400.
constexpr std::size_t read_chunk = 512;
}  // namespace

template <class Stream>
WebSocketSession<Stream>::WebSocketSession(Stream stream,
                                           std::shared_ptr<ConnectionContext> context)
    : Session(TransportKind::websocket, peer_address(beast::get_lowest_layer(stream).socket())),
      ws_(std::move(stream)),
      context_(std::move(context)),
      stats_(context_->stats[TransportKind::websocket]) {}

template <class Stream>
WebSocketSession<Stream>::~WebSocketSession() {
  context_->release(connection_id_, stats_);
}

template <class Stream>
void WebSocketSession<Stream>::run(beast::http::request<beast::http::string_body> request) {
  const auto& limits = context_->limits;
  ws_.next_layer().set_owner(weak_from_this());
  ws_.next_layer().on_messages_flushed([&stats = stats_](std::size_t messages, std::size_t bytes) {
    TransportStats::add(stats.frames_out, messages);
    TransportStats::add(stats.bytes_out, bytes);
  });
  const std::string_view target(request.target().data(), request.target().size());
  if (const auto mark = target.find('?'); mark != std::string_view::npos)
    query_ = std::string(target.substr(mark + 1, 512));  // what a greeting needs, bounded
  connection_id_ = context_->admit(weak_from_this(), host(), stats_);
  if (connection_id_ == 0) return;

  // The stream's own timer from here on: handshake, idle with pings, and the close handshake.
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = limits.header_timeout;
  timeout.idle_timeout = limits.websocket_ping.count() > 0 ? 2 * limits.websocket_ping
                                                           : websocket::stream_base::none();
  timeout.keep_alive_pings = limits.websocket_ping.count() > 0;
  ws_.set_option(timeout);
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(beast::http::field::server, "gatewayd");
  }));
  ws_.read_message_max(limits.message_bytes);
  ws_.text(true);
  ws_.async_accept(request, [self = shared_from_this()](const boost::system::error_code& error) {
    self->on_accept(error);
  });
}

template <class Stream>
void WebSocketSession<Stream>::on_accept(const boost::system::error_code& error) {
  if (error) return end(error);
  opened_ = true;
  context_->handler.on_open(shared_from_this());
  do_read();
}

template <class Stream>
void WebSocketSession<Stream>::do_read() {
  // A read sets its buffer's room aside before anything arrives, and most connections wait for
  // their next message for long: a message is read a chunk at a time, not into the 1.5 KiB
  // Beast's whole-message read would reserve. A token of a short message fits in one chunk.
  ws_.async_read_some(buffer_, read_chunk,
                      [self = shared_from_this()](const boost::system::error_code& error,
                                                  std::size_t) { self->on_read(error); });
}

template <class Stream>
void WebSocketSession<Stream>::on_read(const boost::system::error_code& error) {
  if (error) return end(error);
  if (!ws_.is_message_done()) return do_read();  // read_message_max bounds the message
  const auto data = buffer_.cdata();
  const std::string_view frame(static_cast<const char*>(data.data()), data.size());
  TransportStats::add(stats_.frames_in);
  TransportStats::add(stats_.bytes_in, frame.size());
  context_->handler.on_frame(shared_from_this(), frame);
  buffer_.consume(buffer_.size());
  if (buffer_.capacity() > read_chunk) buffer_.shrink_to_fit();  // a long message's room
  do_read();  // also while closing: the client's close frame ends the loop
}

template <class Stream>
void WebSocketSession<Stream>::send(Frame frame) {
  // Framed here and put straight into the stream's buffer, from the thread that delivers: a
  // fan-out costs no hop to each recipient's strand. The end of this thread's burst of work
  // flushes it, on the strand. Control frames (pings, pongs, the close) are Beast's; they go
  // into the same buffer whole, so frames never interleave. Messages are never fragmented or
  // compressed here.
  using Accepted = typename CoalescingStream<Stream>::Accepted;
  const auto accepted = ws_.next_layer().write_message(WebSocketFrameHead(frame->size()).bytes(),
                                                       *frame, context_->limits.write_queue_bytes);
  // Counted as they are flushed (on_messages_flushed), not here on every delivering thread.
  if (accepted == Accepted::over_limit) {
    // Posted, never run inline: the caller may hold a lock that ending the session takes.
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->cut_off(); });
  }  // refused: the connection is ending
}

template <class Stream>
void WebSocketSession<Stream>::close() {
  // On the strand; what was sent before close() is in the stream's buffer already, and the
  // close frame follows it.
  asio::defer(ws_.get_executor(), [self = shared_from_this()] {
    if (self->ended_ || self->closing_) return;
    self->closing_ = true;
    self->ws_.next_layer().stop_messages();
    if (!self->opened_) return;  // the handshake's own timeout ends it
    self->do_close();            // after what was sent before: it waits in the stream's buffer
  });
}

template <class Stream>
void WebSocketSession<Stream>::do_close() {
  ws_.async_close(websocket::close_code::going_away,
                  [self = shared_from_this()](const boost::system::error_code& error) {
                    if (error) self->end(error);
                  });
}

template <class Stream>
void WebSocketSession<Stream>::cut_off() {
  if (ended_) return;  // more messages over the limit came before this ran
  ws_.next_layer().stop_messages();
  TransportStats::add(stats_.slow_consumers);
  // Queued frames move into the coalescing stream's buffer as they are written, so bytes are
  // what can be counted; the frame that did not fit is the one refused.
  spdlog::warn("websocket: disconnected {}: it is not reading ({} bytes waiting, limit {})",
               remote_address(), ws_.next_layer().buffered(), context_->limits.write_queue_bytes);
  boost::system::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  end({});
}

template <class Stream>
void WebSocketSession<Stream>::end(const boost::system::error_code& error) {
  if (ended_) return;
  ended_ = true;
  ws_.next_layer().stop_messages();
  if (error == websocket::error::message_too_big) {
    TransportStats::add(stats_.too_large);
    spdlog::info("websocket: closed {} (1009): a message over the limit of {} bytes",
                 remote_address(), context_->limits.message_bytes);
  } else if (error == beast::error::timeout) {
    TransportStats::add(stats_.timeouts);
    spdlog::info("websocket: closed {}: no answer to pings", remote_address());
  } else if (error) {
    log_end("websocket: connection", remote_address(), error);
  }
  // A close frame the client sent (not the echo of the gateway's own) is a goodbye.
  const bool goodbye = error == websocket::error::closed && !closing_;
  if (opened_)
    context_->handler.on_close(*this, goodbye ? Handler::Ending::goodbye : Handler::Ending::lost);
}

template class WebSocketSession<PlainStream>;
template class WebSocketSession<TlsStream>;

}  // namespace gw::transports
