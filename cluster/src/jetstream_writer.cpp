#include "jetstream_writer.hpp"

#include <algorithm>

namespace gw::cluster {

namespace {
// Failures remembered, to answer when_done for writes handed over that long ago.
constexpr std::size_t failures_kept = 4096;
}  // namespace

JetStreamWriter::JetStreamWriter(std::size_t capacity, std::function<bool()> can_write)
    : capacity_(capacity), can_write_(std::move(can_write)), thread_([this] { run(); }) {}

JetStreamWriter::~JetStreamWriter() {
  stop();
}

std::uint64_t JetStreamWriter::position() const {
  std::lock_guard lock(mutex_);
  return handed_;
}

void JetStreamWriter::submit(Write write) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < capacity_) {
      queue_.push_back(std::move(write));
      ++handed_;
      changed_.notify_one();
      return;
    }
    refusals_.push_back(handed_);
    if (refusals_.size() > failures_kept) refusals_.pop_front();
  }
  settle();
}

bool JetStreamWriter::failed_between(std::uint64_t since, std::uint64_t target) const {
  return std::any_of(failures_.begin(), failures_.end(),
                     [&](std::uint64_t at) { return at >= since && at < target; }) ||
         std::any_of(refusals_.begin(), refusals_.end(),
                     [&](std::uint64_t at) { return at >= since && at <= target; });
}

void JetStreamWriter::when_done(std::uint64_t since, std::function<void(bool)> done) {
  std::unique_lock lock(mutex_);
  const auto target = handed_;
  if (done_ >= target) {
    const bool failed = failed_between(since, target);
    lock.unlock();
    return done(!failed);
  }
  waiters_.emplace(target, Waiter{since, std::move(done)});
}

void JetStreamWriter::settle() {
  std::vector<std::pair<std::function<void(bool)>, bool>> ready;
  {
    std::lock_guard lock(mutex_);
    while (!waiters_.empty() && waiters_.begin()->first <= done_) {
      auto node = waiters_.extract(waiters_.begin());
      ready.emplace_back(std::move(node.mapped().done),
                         !failed_between(node.mapped().since, node.key()));
    }
  }
  for (auto& [done, written] : ready)
    done(written);
}

void JetStreamWriter::run() {
  for (;;) {
    Write write;
    std::uint64_t at = 0;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;         // stopping, and everything written
      if (!stopping_ && !can_write_()) {  // NATS away: the write waits for it, in order
        changed_.wait_for(lock, std::chrono::milliseconds(100));
        continue;
      }
      write = std::move(queue_.front());
      queue_.pop_front();
      at = done_;
    }
    const bool written = write();
    {
      std::lock_guard lock(mutex_);
      if (!written) {
        failures_.push_back(at);
        if (failures_.size() > failures_kept) failures_.pop_front();
      }
      ++done_;
    }
    settle();
  }
}

void JetStreamWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  settle();
}

}  // namespace gw::cluster
