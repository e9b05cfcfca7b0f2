// TCP line framing as the gateway reads it: a real TCP listener (LineSession) on loopback, each
// input the bytes a client sends on one connection; lines are echoed back.
#include <cstdint>

#include "loopback_listener.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gw::fuzz::LoopbackListener::of(gw::transports::TransportKind::tcp).exchange({}, {data, size});
  return 0;
}
