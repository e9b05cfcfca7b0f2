#include "line_session.hpp"

#include <array>

#include <boost/asio/defer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "network.hpp"

namespace gw::transports {

namespace asio = boost::asio;

namespace {
constexpr char newline[] = "\n";
}  // namespace

LineSession::LineSession(asio::ip::tcp::socket socket, std::shared_ptr<ConnectionContext> context)
    : Session(TransportKind::tcp, peer_address(socket)),
      socket_(std::move(socket)),
      idle_timer_(socket_.get_executor()),
      admission_timer_(socket_.get_executor()),
      context_(std::move(context)),
      stats_(context_->stats[TransportKind::tcp]),
      queue_(context_->limits.write_queue_bytes) {}

LineSession::~LineSession() {
  context_->release(connection_id_, stats_);
}

void LineSession::run() {
  connection_id_ = context_->admit(weak_from_this(), host(), stats_);
  if (connection_id_ == 0) return;
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    self->opened_ = true;
    self->context_->handler.on_open(self);
    self->arm_admission_timer();
    self->arm_idle_timer();
    self->do_read();
  });
}

void LineSession::arm_admission_timer() {
  // A line connection has no request to complete: it proves itself with an authentic token.
  admission_timer_.expires_after(context_->limits.admission_timeout);
  admission_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    if (error || self->ended_ || self->admitted_.load(std::memory_order_relaxed)) return;
    TransportStats::add(self->stats_.admission_timeouts);
    spdlog::debug("tcp: closed {}: no authentic token within {} s", self->remote_address(),
                  self->context_->limits.admission_timeout.count());
    self->end("admission timeout", {});
  });
}

void LineSession::admitted() {
  if (admitted_.exchange(true, std::memory_order_relaxed)) return;
  asio::dispatch(socket_.get_executor(),
                 [self = shared_from_this()] { self->admission_timer_.cancel(); });
}

void LineSession::arm_idle_timer() {
  const auto idle = context_->limits.tcp_idle;
  if (idle.count() <= 0 || ended_) return;
  idle_timer_.expires_after(idle);
  idle_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    if (error || self->ended_) return;  // re-armed or stopped
    TransportStats::add(self->stats_.timeouts);
    spdlog::info("tcp: closed {}: no line for {} s", self->remote_address(),
                 self->context_->limits.tcp_idle.count());
    self->end("idle", {});
  });
}

void LineSession::do_read() {
  // The limit leaves room for the "\r\n" after a token of the largest size.
  asio::async_read_until(
      socket_, asio::dynamic_buffer(read_buffer_, context_->limits.message_bytes + 2), '\n',
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t line_end) {
        self->on_read(error, line_end);
      });
}

void LineSession::on_read(const boost::system::error_code& error, std::size_t line_end) {
  if (ended_) return;
  if (error == asio::error::not_found) {  // the buffer filled up without a newline
    TransportStats::add(stats_.too_large);
    spdlog::info("tcp: closing {}: a line over the limit of {} bytes", remote_address(),
                 context_->limits.message_bytes);
    context_->handler.on_too_large(shared_from_this());
    return close();
  }
  if (error) return end("read", error);
  std::string_view line(read_buffer_.data(), line_end - 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!line.empty() && !closing_) {
    arm_idle_timer();
    TransportStats::add(stats_.frames_in);
    TransportStats::add(stats_.bytes_in, line.size());
    context_->handler.on_frame(shared_from_this(), line);
  }
  read_buffer_.erase(0, line_end);
  do_read();
}

void LineSession::send(Frame frame) {
  // Deferred, not posted: queued behind what this thread is doing without waking another
  // thread, which a fan-out to many sessions would otherwise do once per session.
  asio::defer(socket_.get_executor(), [self = shared_from_this(), frame = std::move(frame)] {
    self->enqueue(std::move(frame));
  });
}

void LineSession::enqueue(Frame frame) {
  if (ended_ || closing_) return;
  if (!queue_.push(std::move(frame))) {
    TransportStats::add(stats_.slow_consumers);
    spdlog::warn("tcp: disconnected {}: it is not reading ({} bytes in {} lines waiting, limit {})",
                 remote_address(), queue_.bytes(), queue_.size(),
                 context_->limits.write_queue_bytes);
    return end("slow consumer", {});
  }
  if (!writing_) do_write();
}

void LineSession::do_write() {
  writing_ = true;
  const std::array buffers{asio::buffer(*queue_.front()), asio::buffer(newline, 1)};
  asio::async_write(socket_, buffers,
                    [self = shared_from_this()](const boost::system::error_code& error,
                                                std::size_t) { self->on_write(error); });
}

void LineSession::on_write(const boost::system::error_code& error) {
  writing_ = false;
  if (error) return end("write", error);
  TransportStats::add(stats_.frames_out);
  TransportStats::add(stats_.bytes_out, queue_.front()->size());
  queue_.pop();
  if (!queue_.empty()) return do_write();
  if (closing_) shut_down();
}

void LineSession::close() {
  // Deferred like send(), so that what was sent before close() is written before the end.
  asio::defer(socket_.get_executor(), [self = shared_from_this()] {
    if (self->ended_ || self->closing_) return;
    self->closing_ = true;
    if (!self->writing_) self->shut_down();
  });
}

void LineSession::shut_down() {
  // A FIN after the last line; the client's own close (or the idle timer) ends the read loop.
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  idle_timer_.expires_after(context_->limits.close_timeout);
  idle_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    if (!error) self->end("close timeout", {});
  });
}

void LineSession::end(std::string_view why, const boost::system::error_code& error) {
  if (ended_) return;
  ended_ = true;
  if (error)
    log_end("tcp: connection", remote_address(), error);
  else
    spdlog::debug("tcp: connection {} ended: {}", remote_address(), why);
  idle_timer_.cancel();
  admission_timer_.cancel();
  boost::system::error_code ignored;
  socket_.close(ignored);
  // A line-framed stream ends the same way whether the client left or was cut off.
  if (opened_) context_->handler.on_close(*this, Handler::Ending::lost);
}

}  // namespace gw::transports
