#include "coalescing_stream.hpp"

#include <type_traits>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>

#include "tls_stream.hpp"
#include "write_batch.hpp"

namespace gw::transports {

namespace asio = boost::asio;

namespace {
// A buffer grown by a burst is given back once the burst is written, so a busy connection
// holds little more than its bursts need.
constexpr std::size_t kept_capacity = 64 * 1024;
}  // namespace

template <class NextLayer>
void CoalescingStream<NextLayer>::schedule_flush() {
  auto flush_on_strand = [this, keep = owner_.lock()]() mutable {
    asio::dispatch(get_executor(), [this, keep = std::move(keep)] { flush(); });
  };
  // The calling thread's batch, which may not be this connection's thread: its burst ends, and
  // the flush is put on this connection's strand.
  if (auto* batch = WriteBatch::current()) return batch->add(std::move(flush_on_strand));
  flush_on_strand();
}

template <class NextLayer>
void CoalescingStream<NextLayer>::flush() {
  std::size_t messages = 0, bytes = 0;
  {
    std::lock_guard lock(mutex_);
    flush_scheduled_ = false;
    if (writing_ || pending_.empty()) return;
    in_flight_.swap(pending_);
    writing_ = true;
    messages = std::exchange(unreported_messages_, 0);
    bytes = std::exchange(unreported_bytes_, 0);
  }
  if (messages > 0 && report_) report_(messages, bytes);
  std::size_t written = 0;
  if constexpr (std::is_same_v<NextLayer, PlainStream>) {
    // Most bursts fit in the socket's send buffer: written at once, here on the strand, they
    // cost one system call and no asynchronous operation to complete later (two allocations
    // and 3,500 instructions of a WebSocket round trip). The socket is non-blocking (the
    // constructor): a full send buffer says would_block, and the rest goes asynchronously.
    error_code error;
    written = next_.socket().write_some(asio::buffer(in_flight_), error);
    if (error == asio::error::would_block) {
      written = 0;
    } else if (error || written == in_flight_.size()) {
      return on_flushed(error);
    }
  }
  asio::async_write(
      next_, asio::buffer(in_flight_) + written,
      [this, keep = owner_.lock()](const error_code& error, std::size_t) { on_flushed(error); });
}

template <class NextLayer>
void CoalescingStream<NextLayer>::on_flushed(const error_code& error) {
  bool schedule = false;
  std::vector<asio::any_completion_handler<void(error_code)>> waiters;
  error_code failure;
  {
    std::lock_guard lock(mutex_);
    writing_ = false;
    in_flight_.clear();
    if (in_flight_.capacity() > kept_capacity) std::string().swap(in_flight_);
    if (error) {
      failure_ = error;
      pending_.clear();
    }
    failure = failure_;
    if (!pending_.empty()) {
      // What came while this write was in flight leaves at the end of the burst, with whatever
      // else comes until then.
      schedule = claim_flush();
    } else {
      // Nothing left to write: the connection may stay idle for hours, and most do. Both
      // buffers are given back, at the cost of one allocation at the next burst (which costs a
      // system call anyway).
      std::string().swap(in_flight_);
      std::string().swap(pending_);
      waiters = std::move(flushed_waiters_);
      flushed_waiters_.clear();
    }
  }
  if (schedule) schedule_flush();
  // On the connection's own executor: the waiters are this stream's owner's.
  for (auto& waiter : waiters)
    asio::post(get_executor(),
               [waiter = std::move(waiter), failure]() mutable { std::move(waiter)(failure); });
}

template <class NextLayer>
void CoalescingStream<NextLayer>::async_wait_flushed(
    asio::any_completion_handler<void(error_code)> handler) {
  std::unique_lock lock(mutex_);
  if (!writing_ && pending_.empty()) {
    const auto failure = failure_;
    lock.unlock();
    return asio::post(get_executor(), [handler = std::move(handler), failure]() mutable {
      std::move(handler)(failure);
    });
  }
  flushed_waiters_.push_back(std::move(handler));
}

template class CoalescingStream<PlainStream>;
template class CoalescingStream<TlsStream>;

}  // namespace gw::transports
