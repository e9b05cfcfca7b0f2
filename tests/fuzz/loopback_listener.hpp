#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include <gw/transports/session.hpp>

namespace gw::fuzz {

// A real listener of one kind on 127.0.0.1, started once per target with network threads of its
// own and a handler that answers every frame with a copy of it (so that writes run too). Each
// input is sent on a new connection, which is then half-closed; the call returns once the
// listener has closed the connection. A listener that does not close it in time is a hang, and
// aborts the target.
class LoopbackListener {
 public:
  static LoopbackListener& of(transports::TransportKind kind);

  // Sends `prefix` and then `input`, half-closes, and reads until the listener closes.
  void exchange(std::string_view prefix, std::span<const std::uint8_t> input);

 private:
  explicit LoopbackListener(transports::TransportKind kind);
  // One attempt; false when a signal interrupted the connect, which is then made again.
  bool try_exchange(std::string_view prefix, std::span<const std::uint8_t> input);
  std::uint16_t port_ = 0;
};

}  // namespace gw::fuzz
