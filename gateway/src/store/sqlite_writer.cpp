#include <spdlog/spdlog.h>

#include "sqlite_writer.hpp"

namespace gw::gateway {

SqliteWriter::SqliteWriter(SqliteDatabase& database, std::size_t max_queued)
    : database_(database), max_queued_(max_queued), thread_([this] { run(); }) {}

SqliteWriter::~SqliteWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

bool SqliteWriter::write(Work work) {
  {
    std::lock_guard lock(mutex_);
    if (work_.size() >= max_queued_) {
      overflowed_ = true;
      return false;
    }
    work_.push_back(std::move(work));
  }
  wake_.notify_one();
  return true;
}

void SqliteWriter::when_committed(Committed done) {
  {
    std::lock_guard lock(mutex_);
    waiting_.push_back(std::move(done));
  }
  wake_.notify_one();
}

void SqliteWriter::run() {
  std::vector<Work> work;
  std::vector<Committed> waiting;
  for (;;) {
    bool overflowed = false;
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !work_.empty() || !waiting_.empty(); });
      work.swap(work_);
      waiting.swap(waiting_);
      overflowed = std::exchange(overflowed_, false);
      stopping = stopping_;
    }
    const bool stored = (work.empty() || commit(work)) && !overflowed;
    for (auto& done : waiting)
      done(stored);
    work.clear();
    waiting.clear();
    if (stopping) {
      std::lock_guard lock(mutex_);
      if (work_.empty() && waiting_.empty()) return;
    }
  }
}

bool SqliteWriter::commit(std::vector<Work>& work) {
  try {
    database_.exec("BEGIN IMMEDIATE");
    try {
      for (auto& item : work)
        item();
      database_.exec("COMMIT");
    } catch (...) {
      try {
        database_.exec("ROLLBACK");
      } catch (const StoreError&) {  // SQLite may have rolled back already (disk full)
      }
      throw;
    }
    commits_.fetch_add(1, std::memory_order_relaxed);
    return true;
  } catch (const std::exception& error) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("storage: {} changes not written: {}", work.size(), error.what());
    return false;
  }
}

}  // namespace gw::gateway
