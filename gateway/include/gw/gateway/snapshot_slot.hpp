#pragma once

#include <atomic>
#include <memory>

namespace gw::gateway {

// Something replaced whole while it is in use (the keys on SIGHUP, the devices file on reload).
// Readers take a reference-counted snapshot, so a message in flight finishes with what it
// started with.
template <class T>
class SnapshotSlot {
 public:
  explicit SnapshotSlot(T value) : value_(std::make_shared<const T>(std::move(value))) {}
  explicit SnapshotSlot(std::shared_ptr<const T> value) : value_(std::move(value)) {}

  std::shared_ptr<const T> current() const { return value_.load(std::memory_order_acquire); }
  void replace(T value) { replace(std::make_shared<const T>(std::move(value))); }
  void replace(std::shared_ptr<const T> value) {
    value_.store(std::move(value), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const T>> value_;
};

}  // namespace gw::gateway
