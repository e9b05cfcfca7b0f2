#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace gw::transports {

// The connections written to during the current burst of ready work on one network thread,
// each to be flushed once when the burst ends. Thread-local: one per thread that runs
// run_network_thread.
class WriteBatch {
 public:
  WriteBatch() = default;
  // Flushes what it holds: a connection in a batch is not flushed otherwise (the thread may be
  // leaving its loop because a handler threw).
  ~WriteBatch() { flush_all(); }
  WriteBatch(const WriteBatch&) = delete;
  WriteBatch& operator=(const WriteBatch&) = delete;

  // The calling thread's batch, or null when the thread is not running run_network_thread.
  static WriteBatch* current() noexcept;

  // `flush` runs when the burst ends; it schedules the connection's flush on its own strand.
  void add(std::function<void()> flush) { pending_.push_back(std::move(flush)); }
  bool empty() const noexcept { return pending_.empty(); }
  void flush_all();

  // Makes `batch` the calling thread's batch for the life of this object.
  class Scope {
   public:
    explicit Scope(WriteBatch& batch);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
  };

 private:
  std::vector<std::function<void()>> pending_;
};

}  // namespace gw::transports
