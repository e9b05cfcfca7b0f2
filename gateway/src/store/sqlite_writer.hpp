#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "sqlite_database.hpp"

namespace gw::gateway {

// The one thread that writes the database. Work handed to it waits in a bounded queue; the
// thread takes everything queued at once and runs it in one transaction (group commit: a busy
// gateway pays one sync for many messages), then tells whoever asked `when_committed`. A
// failed transaction (disk full, the size bound) is rolled back and its changes are written one
// at a time, so that those that still fit (acknowledgements, sessions) are kept. The next batch
// is tried afresh, so the gateway recovers when space returns.
//
// Every change gets a number in the order it was handed over; a waiter asks about the changes
// from a `position()` it took before making its own up to the moment it asks, and is told
// whether every one of them was written, whichever batch each landed in.
class SqliteWriter {
 public:
  using Work = std::function<void()>;
  using Committed = std::function<void(bool stored)>;

  SqliteWriter(SqliteDatabase& database, std::size_t max_queued);
  // Commits what is queued, then stops.
  ~SqliteWriter();
  SqliteWriter(const SqliteWriter&) = delete;
  SqliteWriter& operator=(const SqliteWriter&) = delete;

  // False when the queue is full: the change is not made, and counts as failed.
  bool write(Work work);
  // The number the next change gets.
  std::uint64_t position();
  // Calls `done` once the changes numbered from `since` to now are done: true if all written.
  void when_committed(std::uint64_t since, Committed done);
  // Runs `step` outside any transaction, after the batch being written, and again after each
  // batch until it returns true: work too long for one go (a backup) shares the thread so.
  void between_batches(std::function<bool()> step);

 private:
  struct Change {
    std::uint64_t number;
    Work work;
  };
  struct Waiter {
    std::uint64_t since;
    std::uint64_t until;
    Committed done;
  };
  void run();
  // Returns the numbers of the changes that could not be written.
  std::vector<std::uint64_t> commit(std::vector<Change>& changes);
  void transaction(const std::function<void()>& body);
  bool all_written(const Waiter& waiter) const;  // under mutex_

  SqliteDatabase& database_;
  const std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Change> queued_;
  std::vector<Waiter> waiting_;
  std::vector<std::function<bool()>> steps_;
  std::uint64_t next_number_ = 0;
  // Numbers of changes that failed, the most recent ones; below `forgotten_below_` every
  // change counts as failed (the set is bounded).
  std::set<std::uint64_t> failed_;
  std::uint64_t forgotten_below_ = 0;
  bool stopping_ = false;
  bool asleep_ = false;  // waiting for work: only then does a write wake it
  std::thread thread_;   // last: starts once the rest is ready
};

}  // namespace gw::gateway
