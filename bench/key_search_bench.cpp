// What finding a token's key costs when every device has its own: a KeyRing of 1, 100 and 1,000
// keys decrypting a token made under its last key (a new session's worst case: every key is
// tried) and under its first, against the one-key ring in the same run. The slope is the cost
// per device that a handshake, or a session-less UDP request, pays when nothing says which key
// to try first.
//   key_search_bench [--seconds S]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <gw/message/key_ring.hpp>

#include "calls_per_second.hpp"
#include "one_core.hpp"

namespace {

using gw::bench::calls_per_second;
using gw::message::Fernet;
using gw::message::KeyRing;

// A handshake as a device sends it.
const std::string plaintext =
    R"({"userID":"kitchen-sensor","timestamp":"2026-12-04T10:15:30+00:00","text":"",)"
    R"("cmd":"handshake","args":"","id":"4f1c2a"})";

KeyRing ring_of(std::size_t count) {
  std::vector<Fernet> keys;
  keys.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    keys.push_back(Fernet::generate());
  return KeyRing(std::move(keys));
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1.0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: key_search_bench [--seconds S]\n");
      return 2;
    }
  }
  if (!(seconds > 0 && seconds <= 60)) {
    std::fprintf(stderr, "key_search_bench: --seconds must be in (0, 60]\n");
    return 2;
  }
  const int cpu = gw::bench::pin_to_one_core();

  std::printf("decrypting a %zu-byte handshake, one core (cpu %d), %.2f s per figure\n",
              plaintext.size(), cpu, seconds);
  const auto ttl = std::chrono::seconds{120};
  double one_key_us = 0;
  double last_us = 0;
  std::size_t last_count = 0;
  for (const std::size_t count : {1, 100, 1000}) {
    const auto ring = ring_of(count);
    const KeyRing last_only({ring.keys().back()});
    const KeyRing first_only({ring.keys().front()});
    const auto by_last = last_only.encrypt(plaintext);
    const auto by_first = first_only.encrypt(plaintext);
    if (*ring.decrypt(by_last, ttl) != plaintext || *ring.decrypt(by_first, ttl) != plaintext) {
      std::fprintf(stderr, "key_search_bench: self-check failed\n");
      return 1;
    }
    const double last = calls_per_second([&] { return ring.decrypt(by_last, ttl)->size(); },
                                         seconds, 2'000'000 / count);
    const double first =
        calls_per_second([&] { return ring.decrypt(by_first, ttl)->size(); }, seconds);
    const double us = 1e6 / last;
    if (count == 1) one_key_us = us;
    std::printf(
        "  %5zu keys  its key last %10.0f tokens/s (%8.2f us, %6.1fx one key)"
        "  its key first %8.0f tokens/s\n",
        count, last, us, us / one_key_us, first);
    last_us = us;
    last_count = count;
  }
  std::printf("  cost per device tried: %.2f us (from 1 to %zu keys)\n",
              (last_us - one_key_us) / double(last_count - 1), last_count);
  return 0;
}
