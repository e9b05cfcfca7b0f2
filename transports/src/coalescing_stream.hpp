#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace gw::transports {

// The layer under a WebSocket stream that makes one system call carry many messages. A write
// is copied into a buffer and reported done at once (through the executor, never inline). The
// buffer goes to the socket at the end of the network thread's current burst of work (see
// run_network_thread), or when the previous write finishes, so that messages from back-to-back
// publications leave together. Beast's own frames (pong, close) pass through the same buffer,
// so nothing interleaves. What waits here is bounded by the session, which asks buffered()
// before each message. Over TLS, what leaves together is also encrypted together.
// Instantiated for PlainStream and TlsStream (tls_stream.hpp), in coalescing_stream.cpp.
template <class NextLayer>
class CoalescingStream {
 public:
  using error_code = boost::system::error_code;
  using next_layer_type = NextLayer;
  using executor_type = typename next_layer_type::executor_type;

  explicit CoalescingStream(NextLayer&& next) : next_(std::move(next)) {}

  executor_type get_executor() noexcept { return next_.get_executor(); }
  next_layer_type& next_layer() noexcept { return next_; }
  const next_layer_type& next_layer() const noexcept { return next_; }

  // The object that owns this stream, kept alive while a write is in flight: Beast believes
  // its writes finished long before, and would let the owner go.
  void set_owner(std::weak_ptr<void> owner) { owner_ = std::move(owner); }

  // Bytes accepted and not yet written to the socket.
  std::size_t buffered() const noexcept { return pending_.size() + in_flight_.size(); }

  template <class MutableBuffers, class ReadToken>
  auto async_read_some(const MutableBuffers& buffers, ReadToken&& token) {
    return next_.async_read_some(buffers, std::forward<ReadToken>(token));
  }

  template <class ConstBuffers, class WriteToken>
  auto async_write_some(const ConstBuffers& buffers, WriteToken&& token) {
    return boost::asio::async_initiate<WriteToken, void(error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& data) {
          std::size_t size = 0;
          if (!failure_) {
            for (const auto buffer : boost::beast::buffers_range_ref(data)) {
              pending_.append(static_cast<const char*>(buffer.data()), buffer.size());
              size += buffer.size();
            }
            flush_soon();
          }
          const auto executor = boost::asio::get_associated_executor(handler, get_executor());
          boost::asio::post(executor, [handler = std::move(handler), failure = failure_,
                                       size]() mutable { std::move(handler)(failure, size); });
        },
        token, buffers);
  }

  // Takes `head` and `body` as one write with nothing between them, at once: for a writer that
  // frames its messages itself. False when writing has failed already.
  bool write_now(std::string_view head, std::string_view body) {
    if (failure_) return false;
    pending_.append(head);
    pending_.append(body);
    flush_soon();
    return true;
  }

  // Calls `handler` once everything accepted so far is written, or writing failed.
  void async_wait_flushed(boost::asio::any_completion_handler<void(error_code)> handler);

 private:
  // Flushes at the end of the network thread's burst of work, or at once when the thread keeps
  // no batch; while a write is in flight, its completion flushes.
  void flush_soon();
  void flush();
  void on_flushed(const error_code& error);

  next_layer_type next_;
  std::weak_ptr<void> owner_;
  std::string pending_;    // accepted while a write is in flight
  std::string in_flight_;  // being written
  error_code failure_;     // the first write error; every later write reports it
  bool in_batch_ = false;  // waiting in the thread's WriteBatch
  std::vector<boost::asio::any_completion_handler<void(error_code)>> flushed_waiters_;
};

// How the next layer ends a WebSocket: TLS sends close_notify (what Beast's own teardown for
// ssl_stream does; Boost 1.81 declares that one as a hidden friend that clang cannot call), a
// plain stream is shut down by Beast's teardown for basic_stream.
template <class NextLayer, class TeardownHandler>
void async_teardown_next_layer(boost::beast::role_type role, NextLayer& next,
                               TeardownHandler&& handler) {
  if constexpr (requires { next.async_shutdown(handler); })
    next.async_shutdown(std::forward<TeardownHandler>(handler));
  else
    boost::beast::async_teardown(role, next, std::forward<TeardownHandler>(handler));
}

// The close handshake's last step (found by Beast through argument-dependent lookup): the
// buffered close frame is written before the next layer is shut down in its own way.
template <class NextLayer, class TeardownHandler>
void async_teardown(boost::beast::role_type role, CoalescingStream<NextLayer>& stream,
                    TeardownHandler&& handler) {
  stream.async_wait_flushed([&stream, role, handler = std::forward<TeardownHandler>(handler)](
                                const boost::system::error_code&) mutable {
    async_teardown_next_layer(role, stream.next_layer(), std::move(handler));
  });
}

template <class NextLayer>
void teardown(boost::beast::role_type role, CoalescingStream<NextLayer>& stream,
              boost::system::error_code& error) {
  if constexpr (requires { stream.next_layer().shutdown(error); })
    stream.next_layer().shutdown(error);
  else
    boost::beast::teardown(role, stream.next_layer(), error);
}

}  // namespace gw::transports
