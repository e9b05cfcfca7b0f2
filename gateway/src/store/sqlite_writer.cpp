#include "sqlite_writer.hpp"

#include <algorithm>
#include <iterator>

#include <spdlog/spdlog.h>

namespace gw::gateway {

namespace {
constexpr std::size_t max_failed_remembered = 100'000;
}

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
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    const auto number = next_number_++;
    if (queued_.size() >= max_queued_) {
      failed_.insert(number);
      return false;
    }
    queued_.push_back({number, std::move(work)});
    wake = std::exchange(asleep_, false);
  }
  if (wake) wake_.notify_one();  // a busy writer finds the change in its next batch
  return true;
}

std::uint64_t SqliteWriter::position() {
  std::lock_guard lock(mutex_);
  return next_number_;
}

void SqliteWriter::when_committed(std::uint64_t since, Committed done) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    waiting_.push_back({since, next_number_, std::move(done)});
    wake = std::exchange(asleep_, false);
  }
  if (wake) wake_.notify_one();
}

void SqliteWriter::between_batches(std::function<bool()> step) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    steps_.push_back(std::move(step));
    wake = std::exchange(asleep_, false);
  }
  if (wake) wake_.notify_one();
}

bool SqliteWriter::all_written(const Waiter& waiter) const {
  if (waiter.since < forgotten_below_) return false;
  const auto failed = failed_.lower_bound(waiter.since);
  return failed == failed_.end() || *failed >= waiter.until;
}

void SqliteWriter::run() {
  std::vector<Change> changes;
  std::vector<Waiter> waiting;
  std::vector<std::pair<Committed, bool>> answers;
  std::vector<std::function<bool()>> steps;
  for (;;) {
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      const auto ready = [&] {
        return stopping_ || !queued_.empty() || !waiting_.empty() || !steps_.empty() ||
               !steps.empty();
      };
      if (!ready()) {
        asleep_ = true;
        wake_.wait(lock, ready);
        asleep_ = false;
      }
      changes.swap(queued_);
      waiting.swap(waiting_);  // every change they ask about is in `changes` or done before
      stopping = stopping_;
    }
    const auto failed = changes.empty() ? std::vector<std::uint64_t>{} : commit(changes);
    {
      std::lock_guard lock(mutex_);
      failed_.insert(failed.begin(), failed.end());
      while (failed_.size() > max_failed_remembered) {
        forgotten_below_ = *failed_.begin() + 1;
        failed_.erase(failed_.begin());
      }
      for (auto& waiter : waiting)
        answers.emplace_back(std::move(waiter.done), all_written(waiter));
      std::move(steps_.begin(), steps_.end(), std::back_inserter(steps));
      steps_.clear();
    }
    for (auto& [done, stored] : answers)
      done(stored);
    changes.clear();
    waiting.clear();
    answers.clear();
    // A step that is not finished goes on after the next batch; when stopping, it is run to
    // its end, since whoever asked for it waits for an answer.
    std::erase_if(steps, [](auto& step) { return step(); });
    if (stopping) {
      std::lock_guard lock(mutex_);
      if (queued_.empty() && waiting_.empty() && steps_.empty() && steps.empty()) return;
    }
  }
}

void SqliteWriter::transaction(const std::function<void()>& body) {
  database_.exec("BEGIN IMMEDIATE");
  try {
    body();
    database_.exec("COMMIT");
  } catch (...) {
    try {
      database_.exec("ROLLBACK");
    } catch (const StoreError&) {  // SQLite may have rolled back already (disk full)
    }
    throw;
  }
}

std::vector<std::uint64_t> SqliteWriter::commit(std::vector<Change>& changes) {
  try {
    transaction([&] {
      for (auto& change : changes)
        change.work();
    });
    return {};
  } catch (const std::exception& error) {
    spdlog::warn("storage: a batch of {} changes failed ({}); writing them one at a time",
                 changes.size(), error.what());
  }
  // One at a time, so that what still fits is written: an acknowledgement frees space, a
  // session is kept, while a new message that does not fit is refused.
  std::vector<std::uint64_t> failed;
  for (auto& change : changes) {
    try {
      transaction(change.work);
    } catch (const std::exception& error) {
      if (failed.empty()) spdlog::error("storage: not written: {}", error.what());
      failed.push_back(change.number);
    }
  }
  if (!failed.empty())
    spdlog::error("storage: {} of {} changes not written", failed.size(), changes.size());
  return failed;
}

}  // namespace gw::gateway
