// What finding a token's key costs when every device has its own, for 1, 100 and 1,000 keys and
// a token made under the last key (a new session's worst case: every key is tried):
//  - a KeyRing decrypting it, each key keyed afresh once the thread's cache is outgrown;
//  - a KeySearch (HMAC contexts keyed once per key) finding the key, then that key opening it,
//    which is what the gateway does;
// each against one key in the same run. The slope is the cost per device that a handshake, or
// a session-less UDP request, pays when nothing says which key to try first.
//   key_search_bench [--seconds S]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <gw/message/key_ring.hpp>
#include <gw/message/key_search.hpp>

#include "calls_per_second.hpp"
#include "one_core.hpp"

namespace {

using gw::bench::calls_per_second;
using gw::message::Fernet;
using gw::message::FernetToken;
using gw::message::KeyRing;
using gw::message::KeySearch;

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
  double ring_one_us = 0, ring_last_us = 0, search_one_us = 0, search_last_us = 0;
  std::size_t last_count = 0;
  for (const std::size_t count : {1, 100, 1000}) {
    const auto ring = ring_of(count);
    const KeySearch search(ring.keys());
    const KeyRing last_only({ring.keys().back()});
    const KeyRing first_only({ring.keys().front()});
    const auto by_last = last_only.encrypt(plaintext);
    const auto by_first = first_only.encrypt(plaintext);
    // The gateway's way: find the key by its MAC, then open the token with it.
    const auto search_and_open = [&](const std::string& token) {
      const auto parsed = FernetToken::parse(token);
      const auto found = search.find(*parsed);
      return found ? ring.keys()[*found].open(*parsed, ttl, gw::message::unix_now())->size() : 0;
    };
    if (*ring.decrypt(by_last, ttl) != plaintext || *ring.decrypt(by_first, ttl) != plaintext ||
        search_and_open(by_last) != plaintext.size()) {
      std::fprintf(stderr, "key_search_bench: self-check failed\n");
      return 1;
    }
    const double ring_last = calls_per_second([&] { return ring.decrypt(by_last, ttl)->size(); },
                                              seconds, 2'000'000 / count);
    const double ring_first =
        calls_per_second([&] { return ring.decrypt(by_first, ttl)->size(); }, seconds);
    const double search_last =
        calls_per_second([&] { return search_and_open(by_last); }, seconds, 4'000'000 / count);
    const double ring_us = 1e6 / ring_last;
    const double search_us = 1e6 / search_last;
    if (count == 1) {
      ring_one_us = ring_us;
      search_one_us = search_us;
    }
    std::printf(
        "  %5zu keys  KeyRing, its key last %9.0f tokens/s (%8.2f us, %6.1fx one key), "
        "first %8.0f/s\n"
        "             KeySearch + open, last %9.0f tokens/s (%8.2f us, %6.1fx one key)\n",
        count, ring_last, ring_us, ring_us / ring_one_us, ring_first, search_last, search_us,
        search_us / search_one_us);
    ring_last_us = ring_us;
    search_last_us = search_us;
    last_count = count;
  }
  std::printf("  cost per device tried: KeyRing %.2f us, KeySearch %.3f us (from 1 to %zu keys)\n",
              (ring_last_us - ring_one_us) / double(last_count - 1),
              (search_last_us - search_one_us) / double(last_count - 1), last_count);
  return 0;
}
