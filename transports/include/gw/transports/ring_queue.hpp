#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace gw::transports {

// A first-in first-out queue in one growing ring of slots. Unlike std::deque (whose empty
// instance already holds a map and a 512-byte block in libstdc++), an empty RingQueue holds
// nothing: an idle connection's queues cost no memory until something waits in them. The
// ring keeps its size once grown, so a busy queue does not allocate per element.
template <class T>
class RingQueue {
 public:
  bool empty() const noexcept { return count_ == 0; }
  std::size_t size() const noexcept { return count_; }

  T& front() { return slots_[head_]; }
  const T& front() const { return slots_[head_]; }
  T& back() { return (*this)[count_ - 1]; }
  const T& back() const { return (*this)[count_ - 1]; }
  T& operator[](std::size_t index) { return slots_[(head_ + index) % slots_.size()]; }
  const T& operator[](std::size_t index) const { return slots_[(head_ + index) % slots_.size()]; }

  void push_back(T value) {
    if (count_ == slots_.size()) grow();
    slots_[(head_ + count_) % slots_.size()] = std::move(value);
    ++count_;
  }
  void pop_front() {
    slots_[head_] = T();  // let go of what it holds now, not when the slot is reused
    head_ = (head_ + 1) % slots_.size();
    --count_;
  }

 private:
  void grow() {
    std::vector<T> larger(slots_.empty() ? 4 : slots_.size() * 2);
    for (std::size_t i = 0; i < count_; ++i)
      larger[i] = std::move((*this)[i]);
    slots_ = std::move(larger);
    head_ = 0;
  }

  std::vector<T> slots_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace gw::transports
