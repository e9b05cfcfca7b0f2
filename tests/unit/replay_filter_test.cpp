#include <catch2/catch.hpp>

#include <gw/gateway/replay_filter.hpp>
#include <gw/message/fernet.hpp>

namespace {

using gw::gateway::ReplayFilter;
using namespace std::chrono_literals;

const auto start = ReplayFilter::Clock::time_point{} + 1000h;

std::string token(std::string_view text) {
  static const auto key = gw::message::Fernet::generate();
  return key.encrypt(text);
}

TEST_CASE("replay filter: a token is let through once", "[replay_filter]") {
  ReplayFilter filter(16, 180s);
  const auto first = token("ping");
  const auto second = token("ping");  // the same plaintext, another IV and MAC
  CHECK(filter.first_sighting(first, start));
  CHECK_FALSE(filter.first_sighting(first, start + 1ms));
  CHECK_FALSE(filter.first_sighting(first + "\n", start + 2ms));  // as the gateway trims it
  CHECK(filter.first_sighting(second, start + 3ms));
  CHECK(filter.size() == 2);
}

TEST_CASE("replay filter: a token is forgotten after the window", "[replay_filter]") {
  ReplayFilter filter(16, 180s);
  const auto seen = token("a");
  CHECK(filter.first_sighting(seen, start));
  CHECK_FALSE(filter.first_sighting(seen, start + 179s));
  CHECK(filter.first_sighting(token("b"), start + 180s));  // makes the filter forget "a"
  CHECK(filter.size() == 1);
  CHECK(filter.first_sighting(seen, start + 181s));
}

TEST_CASE("replay filter: the oldest are forgotten beyond the capacity", "[replay_filter]") {
  ReplayFilter filter(3, 180s);
  const auto oldest = token("1");
  CHECK(filter.first_sighting(oldest, start));
  for (const char* text : {"2", "3", "4"})
    CHECK(filter.first_sighting(token(text), start));
  CHECK(filter.size() == 3);
  CHECK(filter.first_sighting(oldest, start));  // pushed out by the fourth
}

}  // namespace
