#pragma once

#include <atomic>
#include <memory>

#include <gw/message/codec.hpp>

namespace gw::gateway {

// The codec in use, replaced whole when the keys are reloaded (SIGHUP). Readers take a
// reference-counted snapshot, so a message in flight finishes with the keys it started with.
class CodecSlot {
 public:
  explicit CodecSlot(message::Codec codec)
      : codec_(std::make_shared<const message::Codec>(std::move(codec))) {}

  std::shared_ptr<const message::Codec> current() const {
    return codec_.load(std::memory_order_acquire);
  }
  void replace(message::Codec codec) {
    codec_.store(std::make_shared<const message::Codec>(std::move(codec)),
                 std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const message::Codec>> codec_;
};

}  // namespace gw::gateway
