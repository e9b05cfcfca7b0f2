#pragma once

#include <chrono>
#include <cstddef>

#include <gw/message/codec.hpp>

namespace gw::gateway {

// How much the replay guard remembers, and for how long a token needs remembering.
struct ReplayGuardOptions {
  std::size_t capacity = 262'144;  // tokens remembered; about 45 bytes each (replay_guard_bench)
  std::chrono::seconds ttl = message::CodecOptions{}.ttl;  // the codec's; 0: never expire
};

}  // namespace gw::gateway
