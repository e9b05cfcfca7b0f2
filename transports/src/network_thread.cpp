#include <chrono>

#include <boost/asio/io_context.hpp>

#include <gw/transports/network_thread.hpp>

#include "write_batch.hpp"

namespace gw::transports {

namespace {
thread_local WriteBatch* this_thread_batch = nullptr;
// The longest a burst runs before its writes go out, so that under load the first of them is
// not held back for long; the clock is read every `clock_every` handlers.
constexpr auto max_burst = std::chrono::milliseconds(50);
constexpr int clock_every = 256;
}  // namespace

WriteBatch* WriteBatch::current() noexcept {
  return this_thread_batch;
}

void WriteBatch::flush_all() {
  auto flushes = std::move(pending_);
  pending_.clear();
  for (auto& flush : flushes)
    flush();
}

WriteBatch::Scope::Scope(WriteBatch& batch) {
  this_thread_batch = &batch;
}

WriteBatch::Scope::~Scope() {
  this_thread_batch = nullptr;
}

void run_network_thread(boost::asio::io_context& io) {
  WriteBatch batch;
  const WriteBatch::Scope scope(batch);
  for (;;) {
    // A poll that ran no handler may have run the reactor, which can queue completions: the
    // burst ends at the second empty poll in a row.
    const auto deadline = std::chrono::steady_clock::now() + max_burst;
    for (int ran = 1, empty = 0; empty < 2; ++ran) {
      empty = io.poll_one() > 0 ? 0 : empty + 1;
      if (ran % clock_every == 0 && std::chrono::steady_clock::now() >= deadline) break;
    }
    if (!batch.empty()) {
      batch.flush_all();  // schedules the flushes, which the next burst runs
      continue;
    }
    if (io.stopped() || io.run_one() == 0) return;
  }
}

}  // namespace gw::transports
