#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "sqlite_database.hpp"

namespace gw::gateway {

// The one thread that writes the database. Work handed to it waits in a bounded queue; the
// thread takes everything queued at once and runs it in one transaction (group commit: a busy
// gateway pays one sync for many messages), then tells whoever asked `when_committed`. A
// failed transaction (disk full, the size bound) is rolled back and its waiters are told that
// nothing was stored; what it held stays in memory only. The next batch is tried afresh, so
// the gateway recovers when space returns.
class SqliteWriter {
 public:
  using Work = std::function<void()>;
  using Committed = std::function<void(bool stored)>;

  SqliteWriter(SqliteDatabase& database, std::size_t max_queued);
  // Commits what is queued, then stops.
  ~SqliteWriter();
  SqliteWriter(const SqliteWriter&) = delete;
  SqliteWriter& operator=(const SqliteWriter&) = delete;

  // False when the queue is full: the work is not done, and the next commit reports a failure.
  bool write(Work work);
  void when_committed(Committed done);

  // Batches committed and failed since the start.
  std::uint64_t commits() const noexcept { return commits_.load(std::memory_order_relaxed); }
  std::uint64_t failures() const noexcept { return failures_.load(std::memory_order_relaxed); }

 private:
  void run();
  bool commit(std::vector<Work>& work);

  SqliteDatabase& database_;
  const std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Work> work_;
  std::vector<Committed> waiting_;
  bool overflowed_ = false;  // work was refused since the last commit
  bool stopping_ = false;
  std::atomic<std::uint64_t> commits_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace gw::gateway
