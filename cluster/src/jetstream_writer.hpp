#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace gw::cluster {

// What the cluster's store writes to JetStream, written in order on a thread of its own: the
// hub hands writes over under its locks and never waits for NATS. Callers ask to be told when
// the writes handed over so far are acknowledged by JetStream (when_done). While NATS is away
// (`can_write` false) writes wait, in order, and go out when it is back. Bounded: a write
// handed over while `capacity` wait is refused, and counts as not written. Thread-safe.
class JetStreamWriter {
 public:
  // A write: true when JetStream acknowledged it.
  using Write = std::function<bool()>;
  JetStreamWriter(std::size_t capacity, std::function<bool()> can_write);
  ~JetStreamWriter();
  JetStreamWriter(const JetStreamWriter&) = delete;
  JetStreamWriter& operator=(const JetStreamWriter&) = delete;

  // How many writes were handed over so far (a position to give when_done).
  std::uint64_t position() const;
  void submit(Write write);
  // Calls `done` (on the writer's thread, or at once) once every write handed over from
  // `since` until this call is done: true when all of them were written.
  void when_done(std::uint64_t since, std::function<void(bool written)> done);
  // Writes what is queued (bounded by each write's own timeout), then stops.
  void stop();

 private:
  struct Waiter {
    std::uint64_t since;
    std::function<void(bool)> done;
  };
  void run();
  // Calls the waiters whose writes are all done; under no lock.
  void settle();
  // Whether a write handed over from `since` until `target` failed or was refused; under the
  // lock.
  bool failed_between(std::uint64_t since, std::uint64_t target) const;

  const std::size_t capacity_;
  const std::function<bool()> can_write_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Write> queue_;
  std::uint64_t handed_ = 0;            // writes handed over
  std::uint64_t done_ = 0;              // writes done, written or not
  std::deque<std::uint64_t> failures_;  // positions of recent writes that failed, ascending
  // Refused writes take no position: each is remembered by the position the next write gets.
  std::deque<std::uint64_t> refusals_;
  std::multimap<std::uint64_t, Waiter> waiters_;  // by the position they wait for
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gw::cluster
