#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include "write_queue.hpp"

namespace gw::transports {

// What a WebSocket connection writes through, so that one system call carries many messages.
// A write is copied into a buffer and accepted at once. The buffer goes to the socket at the
// end of the network thread's current burst of work (see run_network_thread), or when the
// previous write finishes, so that messages from back-to-back publications leave together.
// The connection's own frames (the handshake's response, pong, close) pass through the same
// buffer, so nothing interleaves. A message may be added from any thread (write_message): a fan-out
// appends to each recipient's buffer where it runs, under the buffer's lock, with no hop to the
// recipient's strand; the writes to the socket stay on the strand. What waits here is bounded
// in bytes. Over TLS, what leaves together is also encrypted together.
// Instantiated for PlainStream and TlsStream (tls_stream.hpp), in coalescing_stream.cpp.
template <class NextLayer>
class CoalescingStream {
 public:
  using error_code = boost::system::error_code;
  using next_layer_type = NextLayer;
  using executor_type = typename next_layer_type::executor_type;

  explicit CoalescingStream(NextLayer&& next) : next_(std::move(next)) {
    // A plain socket is written without waiting (flush): a full send buffer must say so.
    if constexpr (requires { next_.socket().non_blocking(true); }) {
      error_code ignored;  // a socket already closed fails its first write instead
      next_.socket().non_blocking(true, ignored);
    }
  }

  executor_type get_executor() noexcept { return next_.get_executor(); }
  next_layer_type& next_layer() noexcept { return next_; }
  const next_layer_type& next_layer() const noexcept { return next_; }

  // The object that owns this stream, kept alive while a write is in flight: the writes were
  // accepted long before, and the owner may have nothing else pending.
  void set_owner(std::weak_ptr<void> owner) { owner_ = std::move(owner); }
  // Told, on the strand as each flush starts, how many messages (write_message) and bytes of
  // them went since the last: counters shared by every thread are touched once a flush rather
  // than once a message. Set before the first message.
  void on_messages_flushed(std::function<void(std::size_t messages, std::size_t bytes)> report) {
    report_ = std::move(report);
  }

  // Bytes accepted and not yet written to the socket.
  std::size_t buffered() const {
    std::lock_guard lock(mutex_);
    return pending_.size() + in_flight_.size();
  }

  // Takes `head` and `payload` as one write with nothing between them, at once, from any
  // thread, uncounted and whatever the bound: for the writer's own frames (a handshake's
  // response, pings, pongs, the close frame), which also go after stop_messages(). False once
  // writing failed.
  bool write_frame(std::string_view head, std::string_view payload) {
    bool schedule = false;
    {
      std::lock_guard lock(mutex_);
      if (failure_) return false;
      pending_.append(head);
      pending_.append(payload);
      schedule = claim_flush();
    }
    if (schedule) schedule_flush();
    return true;
  }

  enum class Accepted { yes, over_limit, refused };
  // Takes `head` and `body` as one write with nothing between them, at once, from any thread:
  // for a writer that frames its messages itself. over_limit when it would take what waits
  // past `limit` bytes (over_write_bound); refused once writing failed or stop_messages() was
  // called.
  Accepted write_message(std::string_view head, std::string_view body, std::size_t limit) {
    bool schedule = false;
    {
      std::lock_guard lock(mutex_);
      if (failure_ || messages_stopped_) return Accepted::refused;
      if (over_write_bound(pending_.size() + in_flight_.size(), head.size() + body.size(), limit))
        return Accepted::over_limit;
      pending_.append(head);
      pending_.append(body);
      ++unreported_messages_;
      unreported_bytes_ += body.size();
      schedule = claim_flush();
    }
    if (schedule) schedule_flush();
    return Accepted::yes;
  }
  // No more messages from write_message: what follows is the close frame, or nothing.
  void stop_messages() {
    std::lock_guard lock(mutex_);
    messages_stopped_ = true;
  }

  // Calls `handler` once everything accepted so far is written, or writing failed.
  void async_wait_flushed(boost::asio::any_completion_handler<void(error_code)> handler);

 private:
  // Under the lock: whether the caller is the one to schedule a flush (none is scheduled and no
  // write is in flight, whose completion would see to it).
  bool claim_flush() {
    if (flush_scheduled_ || writing_) return false;
    flush_scheduled_ = true;
    return true;
  }
  // Flushes on the strand at the end of the calling thread's burst of work, or soon when the
  // thread keeps no batch.
  void schedule_flush();
  void flush();
  void on_flushed(const error_code& error);

  next_layer_type next_;
  std::weak_ptr<void> owner_;
  mutable std::mutex mutex_;  // guards what follows, up to the waiters
  std::string pending_;       // accepted, not yet being written
  std::string in_flight_;     // being written (its bytes are read by the write, unlocked)
  error_code failure_;        // the first write error; every later write reports it
  bool flush_scheduled_ = false;
  bool writing_ = false;
  bool messages_stopped_ = false;
  std::size_t unreported_messages_ = 0;
  std::size_t unreported_bytes_ = 0;
  std::function<void(std::size_t, std::size_t)> report_;
  std::vector<boost::asio::any_completion_handler<void(error_code)>> flushed_waiters_;
};

// How the next layer ends a WebSocket after the close handshake: TLS sends close_notify, a
// plain stream is shut down by Beast's teardown for basic_stream (the send side first, then
// what the client still sends is read to its end).
template <class NextLayer, class TeardownHandler>
void async_teardown_next_layer(NextLayer& next, TeardownHandler&& handler) {
  if constexpr (requires { next.async_shutdown(handler); })
    next.async_shutdown(std::forward<TeardownHandler>(handler));
  else
    boost::beast::async_teardown(boost::beast::role_type::server, next,
                                 std::forward<TeardownHandler>(handler));
}

}  // namespace gw::transports
