#include "admission/auth_throttle.hpp"

#include <catch2/catch.hpp>

#include <gw/transports/session.hpp>

using gw::gateway::AuthThrottle;
using namespace std::chrono_literals;

TEST_CASE("wrong admin keys from one host slow that host down", "[auth]") {
  AuthThrottle throttle;
  const auto start = AuthThrottle::Clock::now();
  for (unsigned i = 0; i < AuthThrottle::free_failures; ++i) {
    CHECK(throttle.wait("192.0.2.7", start) == 0s);
    throttle.failed("192.0.2.7", start);
  }
  CHECK(throttle.wait("192.0.2.7", start) == 0s);
  throttle.failed("192.0.2.7", start);  // the fourth: one second
  CHECK(throttle.wait("192.0.2.7", start) == 1s);
  CHECK(throttle.wait("192.0.2.8", start) == 0s);  // another host is not affected
  throttle.failed("192.0.2.7", start + 1s);        // the fifth: two seconds
  CHECK(throttle.wait("192.0.2.7", start + 1s) == 2s);
  for (int i = 0; i < 20; ++i)
    throttle.failed("192.0.2.7", start + 2s);
  CHECK(throttle.wait("192.0.2.7", start + 2s) == AuthThrottle::longest_wait);
  throttle.succeeded("192.0.2.7");
  CHECK(throttle.wait("192.0.2.7", start + 2s) == 0s);
}

TEST_CASE("the throttle remembers a bounded number of hosts", "[auth]") {
  AuthThrottle throttle;
  const auto now = AuthThrottle::Clock::now();
  for (std::size_t i = 0; i <= AuthThrottle::max_addresses + 10; ++i)
    for (unsigned n = 0; n <= AuthThrottle::free_failures; ++n)
      throttle.failed("host" + std::to_string(i), now + std::chrono::milliseconds(i));
  CHECK(throttle.wait("host0", now) == 0s);  // forgotten: the oldest
  CHECK(throttle.wait("host" + std::to_string(AuthThrottle::max_addresses + 10), now) > 0s);
}

TEST_CASE("failures count per host, not per port", "[auth]") {
  CHECK(gw::transports::host_of("192.0.2.7:4000") == "192.0.2.7");
  CHECK(gw::transports::host_of("[::1]:4000") == "::1");
  CHECK(gw::transports::host_of("::1") == "::1");
  CHECK(gw::transports::host_of("host") == "host");
}
