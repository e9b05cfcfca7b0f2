#include "admission/replay_guard.hpp"

#include <catch2/catch.hpp>

using gw::gateway::ReplayGuard;
using gw::message::TokenStamp;
using gw::message::UnixSeconds;
using Verdict = ReplayGuard::Verdict;

namespace {
constexpr UnixSeconds start = 1'700'000'000;

// A stamp as an authentic token would carry: the MAC's bytes are unique per token.
TokenStamp stamp(UnixSeconds timestamp, std::uint32_t serial) {
  TokenStamp made;
  made.timestamp = timestamp;
  for (std::size_t i = 0; i < made.mac.size(); ++i)
    made.mac[i] = static_cast<std::uint8_t>((serial >> (8 * (i % 4))) + i * 31);
  made.mac.back() = static_cast<std::uint8_t>(serial);  // spreads tokens over the shards
  return made;
}
}  // namespace

TEST_CASE("a token is admitted once, its copies refused as replayed", "[replay]") {
  ReplayGuard guard({1024, std::chrono::seconds(120)}, start);
  CHECK(guard.admit(stamp(start + 1, 1), start + 1) == Verdict::fresh);
  CHECK(guard.admit(stamp(start + 1, 1), start + 2) == Verdict::replayed);
  CHECK(guard.admit(stamp(start + 1, 1), start + 100) == Verdict::replayed);
  CHECK(guard.admit(stamp(start + 1, 2), start + 2) == Verdict::fresh);
  CHECK(guard.size() == 2);
}

TEST_CASE("tokens dated before the start are refused: the guard cannot know them", "[replay]") {
  ReplayGuard guard({1024, std::chrono::seconds(120)}, start);
  CHECK(guard.admit(stamp(start - 1, 1), start) == Verdict::before_window);
  CHECK(guard.admit(stamp(start - 100, 2), start) == Verdict::before_window);
  CHECK(guard.admit(stamp(start, 3), start) == Verdict::fresh);
  CHECK(guard.horizon() == start - 1);
}

TEST_CASE("expired tokens are forgotten, and the bound is not reached by them", "[replay]") {
  ReplayGuard guard({64, std::chrono::seconds(10)}, start);
  for (std::uint32_t i = 0; i < 1000; ++i) {
    const UnixSeconds now = start + i;  // one token a second: never more than 11 remembered
    REQUIRE(guard.admit(stamp(now, i), now) == Verdict::fresh);
  }
  // Each shard forgets when it is next used, so a few expired ones may linger; the bound of 64
  // was never reached, or the horizon would have risen.
  CHECK(guard.size() < 64);
  CHECK(guard.horizon() == start - 1);
}

TEST_CASE("when full, the oldest second goes and the horizon refuses it, never a replay",
          "[replay]") {
  const std::size_t capacity = 64;  // 8 per shard
  ReplayGuard guard({capacity, std::chrono::seconds(120)}, start);
  std::vector<TokenStamp> admitted;
  // Ten tokens a second for 30 seconds: far over the bound.
  for (std::uint32_t i = 0; i < 300; ++i) {
    const auto token = stamp(start + i / 10, i);
    REQUIRE(guard.admit(token, start + i / 10) == Verdict::fresh);
    admitted.push_back(token);
  }
  CHECK(guard.size() <= capacity);
  CHECK(guard.horizon() > start);
  // Every token admitted is refused again: as a replay while remembered, else as dated at or
  // before its shard's horizon.
  std::size_t before_window = 0;
  for (const auto& token : admitted) {
    const auto verdict = guard.admit(token, start + 30);
    CHECK(verdict != Verdict::fresh);
    if (verdict == Verdict::before_window) ++before_window;
  }
  CHECK(before_window >= admitted.size() - capacity);
  // A fresh token of now is still admitted: the bound holds more than a second of traffic.
  CHECK(guard.admit(stamp(start + 30, 100000), start + 30) == Verdict::fresh);
}

TEST_CASE("with ttl 0 nothing expires, and the bound still never admits a replay", "[replay]") {
  ReplayGuard guard({64, std::chrono::seconds(0)}, start);
  for (std::uint32_t i = 0; i < 500; ++i)
    REQUIRE(guard.admit(stamp(start + i, i), start + i) == Verdict::fresh);
  for (std::uint32_t i = 0; i < 500; ++i)
    CHECK(guard.admit(stamp(start + i, i), start + 600) != Verdict::fresh);
}
