#include "websocket_session.hpp"

#include <type_traits>

#include <boost/asio/defer.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "network.hpp"
#include "read_chunk.hpp"
#include "tls_stream.hpp"
#include "websocket_frame.hpp"
#include "websocket_handshake.hpp"

namespace gw::transports {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {
constexpr std::uint16_t going_away = 1001;
constexpr std::uint16_t too_big = 1009;
constexpr std::uint16_t no_code = 1005;  // received as "no code": answered with none
// What a TLS connection reads at a time: a TLS record holds up to 16 KiB, but a token's
// message is a few hundred bytes.
constexpr std::size_t tls_read_size = 4096;
// A close frame's reason may be 123 bytes (125 with the code).
constexpr std::size_t close_reason_bytes = 123;
}  // namespace

template <class Stream>
WebSocketSession<Stream>::WebSocketSession(Stream stream,
                                           std::shared_ptr<ConnectionContext> context)
    : Session(TransportKind::websocket, peer_address(beast::get_lowest_layer(stream).socket())),
      stream_(std::move(stream)),
      reader_(context->limits.message_bytes),
      timer_(stream_.get_executor()),
      context_(std::move(context)),
      stats_(context_->stats[TransportKind::websocket]) {}

template <class Stream>
WebSocketSession<Stream>::~WebSocketSession() {
  context_->release(connection_id_, stats_);
}

template <class Stream>
asio::ip::tcp::socket& WebSocketSession<Stream>::socket() {
  return beast::get_lowest_layer(stream_.next_layer()).socket();
}

template <class Stream>
void WebSocketSession<Stream>::run(std::string_view target, std::string_view key) {
  stream_.set_owner(weak_from_this());
  stream_.on_messages_flushed([&stats = stats_](std::size_t messages, std::size_t bytes) {
    TransportStats::add(stats.frames_out, messages);
    TransportStats::add(stats.bytes_out, bytes);
  });
  if (const auto mark = target.find('?'); mark != std::string_view::npos)
    query_ = std::string(target.substr(mark + 1, 512));  // what a greeting needs, bounded
  connection_id_ = context_->admit(weak_from_this(), host(), stats_);
  if (connection_id_ == 0) return;

  // The session's own timer from here on: pings while open, then the close handshake. (A
  // plain socket is non-blocking already, made so by the coalescing stream: on_readable's
  // read says would_block rather than waiting.)
  beast::get_lowest_layer(stream_.next_layer()).expires_never();
  // The welcome, if any, follows the response in the same buffer: nothing can come between.
  stream_.write_frame(switching_protocols(key), {});
  opened_ = true;
  context_->handler.on_open(shared_from_this());
  if (context_->limits.websocket_ping.count() > 0) arm_timer(context_->limits.websocket_ping);
  read();
}

template <class Stream>
void WebSocketSession<Stream>::read() {
  if constexpr (std::is_same_v<Stream, PlainStream>) {
    // Waits without a buffer; once readable the bytes go into a lent chunk (on_readable).
    socket().async_wait(asio::socket_base::wait_read,
                        [self = shared_from_this()](const boost::system::error_code& error) {
                          self->on_readable(error);
                        });
  } else {
    if (tls_read_buffer_.empty()) tls_read_buffer_.resize(tls_read_size);
    stream_.next_layer().async_read_some(
        asio::buffer(tls_read_buffer_),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t size) {
          if (self->ended_) return;
          if (error) return self->lose("websocket: connection", error);
          if (self->on_bytes({self->tls_read_buffer_.data(), size})) self->read();
        });
  }
}

template <class Stream>
void WebSocketSession<Stream>::on_readable(const boost::system::error_code& error) {
  if (ended_) return;
  if (error) return lose("websocket: connection", error);
  const ReadChunk chunk;
  boost::system::error_code read_error;
  const auto size =
      socket().read_some(asio::buffer(chunk.bytes().data(), ReadChunk::size), read_error);
  if (read_error == asio::error::would_block) return read();
  if (read_error) return lose("websocket: connection", read_error);
  // One read per wakeup, whatever is left: the next wait completes at once if bytes remain,
  // after the other connections' ready work.
  if (on_bytes(chunk.bytes().first(size))) read();
}

template <class Stream>
bool WebSocketSession<Stream>::on_bytes(std::span<char> bytes) {
  heard_ = true;
  for (;;) {
    const auto event = reader_.read(bytes);
    if (event.kind == WebSocketReader::Event::Kind::need_more) return true;
    if (!on_event(event) || ended_) return false;
  }
}

template <class Stream>
bool WebSocketSession<Stream>::on_event(const WebSocketReader::Event& event) {
  using Kind = WebSocketReader::Event::Kind;
  switch (event.kind) {
    case Kind::message:
      // After the gateway's close frame nothing can be answered: what comes is dropped.
      if (close_sent_) return true;
      TransportStats::add(stats_.frames_in);
      TransportStats::add(stats_.bytes_in, event.payload.size());
      context_->handler.on_frame(shared_from_this(), event.payload);
      return true;
    case Kind::ping:
      if (!close_sent_) write_control(WebSocketOpcode::pong, event.payload);
      return true;
    case Kind::close:
      if (!close_sent_) {
        goodbye_ = !closing_;
        send_close(event.code, {});  // the client's code echoed, as RFC 6455 5.5.1 suggests
      }
      finish();
      return false;
    case Kind::failed:
      if (event.code == too_big) TransportStats::add(stats_.too_large);
      spdlog::info("websocket: closed {} ({}): {}", remote_address(), event.code, event.payload);
      if (!close_sent_) send_close(event.code, event.payload);
      finish();
      return false;
    case Kind::pong:
    case Kind::need_more:
      return true;
  }
  return true;
}

template <class Stream>
void WebSocketSession<Stream>::write_control(WebSocketOpcode opcode, std::string_view payload) {
  stream_.write_frame(WebSocketFrameHead(payload.size(), opcode).bytes(), payload);
}

template <class Stream>
void WebSocketSession<Stream>::send_close(std::uint16_t code, std::string_view reason) {
  close_sent_ = true;
  stream_.stop_messages();  // what was sent before is in the buffer already; nothing after
  std::string payload;
  if (code != no_code) {
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xff));
    payload += reason.substr(0, close_reason_bytes);
  }
  write_control(WebSocketOpcode::close, payload);
  arm_timer(context_->limits.close_timeout);  // for the client's close frame, or the flush
}

template <class Stream>
void WebSocketSession<Stream>::finish() {
  // Both close frames were seen (or the client's frames broke the protocol): the close frame
  // is flushed, then the connection shut down, all within the close timeout.
  if (finishing_) return;
  finishing_ = true;
  stream_.async_wait_flushed([self = shared_from_this()](const boost::system::error_code& error) {
    if (self->ended_) return;
    if (error) return self->lose("websocket: connection", error);
    async_teardown_next_layer(self->stream_.next_layer(), [self](const boost::system::error_code&) {
      self->end(self->ending());
    });
  });
}

template <class Stream>
void WebSocketSession<Stream>::arm_timer(std::chrono::seconds wait) {
  timer_.expires_after(wait);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    self->on_timer(error);
  });
}

template <class Stream>
void WebSocketSession<Stream>::on_timer(const boost::system::error_code& error) {
  // Aborted, or re-armed after this firing was already on its way.
  if (error || ended_ || timer_.expiry() > std::chrono::steady_clock::now()) return;
  if (close_sent_) {
    spdlog::info("websocket: closed {}: the close handshake did not finish in time",
                 remote_address());
    return end(ending());
  }
  if (std::exchange(heard_, false)) {
    ping_unanswered_ = false;
  } else if (!ping_unanswered_) {
    ping_unanswered_ = true;
    write_control(WebSocketOpcode::ping, {});
  } else {
    TransportStats::add(stats_.timeouts);
    spdlog::info("websocket: closed {}: no answer to pings", remote_address());
    return end(Handler::Ending::lost);
  }
  arm_timer(context_->limits.websocket_ping);
}

template <class Stream>
void WebSocketSession<Stream>::send(Frame frame) {
  // Framed here and put straight into the stream's buffer, from the thread that delivers: a
  // fan-out costs no hop to each recipient's strand. The end of this thread's burst of work
  // flushes it, on the strand. Messages are never fragmented or compressed.
  using Accepted = typename CoalescingStream<Stream>::Accepted;
  const auto accepted = stream_.write_message(WebSocketFrameHead(frame->size()).bytes(), *frame,
                                              context_->limits.write_queue_bytes);
  // Counted as they are flushed (on_messages_flushed), not here on every delivering thread.
  if (accepted == Accepted::over_limit) {
    // Posted, never run inline: the caller may hold a lock that ending the session takes.
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->cut_off(); });
  }  // refused: the connection is ending
}

template <class Stream>
void WebSocketSession<Stream>::close() {
  // On the strand; what was sent before close() is in the stream's buffer already, and the
  // close frame follows it. Reading goes on until the client's close frame answers.
  asio::defer(stream_.get_executor(), [self = shared_from_this()] {
    if (self->ended_ || self->closing_) return;
    self->closing_ = true;
    self->stream_.stop_messages();
    if (!self->opened_ || self->close_sent_) return;
    self->send_close(going_away, {});
  });
}

template <class Stream>
void WebSocketSession<Stream>::cut_off() {
  if (ended_) return;  // more messages over the limit came before this ran
  stream_.stop_messages();
  TransportStats::add(stats_.slow_consumers);
  // Queued frames move into the coalescing stream's buffer as they are written, so bytes are
  // what can be counted; the frame that did not fit is the one refused.
  spdlog::warn("websocket: disconnected {}: it is not reading ({} bytes waiting, limit {})",
               remote_address(), stream_.buffered(), context_->limits.write_queue_bytes);
  end(Handler::Ending::lost);
}

template <class Stream>
void WebSocketSession<Stream>::lose(std::string_view why, const boost::system::error_code& error) {
  if (ended_) return;
  log_end(why, remote_address(), error);
  end(ending());
}

template <class Stream>
void WebSocketSession<Stream>::end(Handler::Ending ending) {
  if (ended_) return;
  ended_ = true;
  stream_.stop_messages();
  timer_.cancel();
  boost::system::error_code ignored;
  socket().close(ignored);  // ends the wait to read and any write or shutdown in flight
  if (opened_) context_->handler.on_close(*this, ending);
}

template class WebSocketSession<PlainStream>;
template class WebSocketSession<TlsStream>;

}  // namespace gw::transports
