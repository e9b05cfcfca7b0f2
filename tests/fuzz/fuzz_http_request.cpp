// The HTTP request path as the gateway reads it: a real HTTP listener (HttpSession, Beast's
// parser under the gateway's limits, routing, POST /message, pages, upgrades) on loopback, each
// input the bytes a client sends on one connection.
#include <cstdint>

#include "loopback_listener.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gw::fuzz::LoopbackListener::of(gw::transports::TransportKind::http).exchange({}, {data, size});
  return 0;
}
