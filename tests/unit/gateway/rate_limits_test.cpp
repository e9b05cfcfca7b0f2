#include <catch2/catch.hpp>

#include <gw/gateway/token_bucket.hpp>

#include "admission/address_rates.hpp"

using gw::gateway::AddressRates;
using gw::gateway::Rate;
using gw::gateway::RateLimits;
using gw::gateway::TokenBucket;
using namespace std::chrono_literals;

TEST_CASE("a token bucket gives its burst at once, then its rate", "[rate]") {
  const Rate rate{10, 5};
  const auto t0 = TokenBucket::Clock::now();
  TokenBucket bucket(t0);
  for (int i = 0; i < 5; ++i)
    CHECK(bucket.take(rate, t0));
  CHECK_FALSE(bucket.take(rate, t0));
  CHECK_FALSE(bucket.take(rate, t0 + 50ms));  // half a token
  CHECK(bucket.take(rate, t0 + 100ms));       // one token refilled
  CHECK_FALSE(bucket.take(rate, t0 + 100ms));
  CHECK(bucket.full(rate, t0 + 10s));  // never more than the burst
  for (int i = 0; i < 5; ++i)
    CHECK(bucket.take(rate, t0 + 10s));
  CHECK_FALSE(bucket.take(rate, t0 + 10s));
}

TEST_CASE("a rate of 0 is unlimited", "[rate]") {
  const auto t0 = TokenBucket::Clock::now();
  TokenBucket bucket(t0);
  for (int i = 0; i < 10000; ++i)
    REQUIRE(bucket.take(Rate{0, 0}, t0));
}

TEST_CASE("addresses have buckets of their own", "[rate]") {
  using Admission = AddressRates::Admission;
  RateLimits limits;
  limits.address = {1, 3};
  limits.undecryptable = {1, 2};
  AddressRates rates(limits);
  const auto t0 = AddressRates::Clock::now();
  for (int i = 0; i < 3; ++i)
    CHECK(rates.admit_message("192.0.2.1", t0) == Admission::admitted);
  CHECK(rates.admit_message("192.0.2.1", t0) == Admission::over_address_rate);
  CHECK(rates.admit_message("192.0.2.2", t0) == Admission::admitted);

  rates.count_undecryptable("192.0.2.3", t0);
  CHECK(rates.admit_message("192.0.2.3", t0) == Admission::admitted);
  rates.count_undecryptable("192.0.2.3", t0);
  CHECK(rates.admit_message("192.0.2.3", t0) == Admission::undecryptable_spent);
  CHECK(rates.admit_message("192.0.2.4", t0) == Admission::admitted);
  // Refilled a second later; the refused message took no message token, so two were left and
  // the bucket is full again.
  for (int i = 0; i < 3; ++i)
    CHECK(rates.admit_message("192.0.2.3", t0 + 1s) == Admission::admitted);
  CHECK(rates.admit_message("192.0.2.3", t0 + 1s) == Admission::over_address_rate);
}

TEST_CASE("an address rate of 0 still counts undecryptable tokens", "[rate]") {
  using Admission = AddressRates::Admission;
  RateLimits limits;
  limits.address = {0, 0};
  limits.undecryptable = {1, 1};
  AddressRates rates(limits);
  const auto t0 = AddressRates::Clock::now();
  for (int i = 0; i < 100; ++i)
    REQUIRE(rates.admit_message("192.0.2.1", t0) == Admission::admitted);
  rates.count_undecryptable("192.0.2.1", t0);
  CHECK(rates.admit_message("192.0.2.1", t0) == Admission::undecryptable_spent);
}

TEST_CASE("the addresses remembered are bounded, the least recent forgotten", "[rate]") {
  RateLimits limits;
  limits.address = {1, 1};
  limits.tracked_addresses = 64;
  AddressRates rates(limits);
  const auto t0 = AddressRates::Clock::now();
  for (int i = 0; i < 10000; ++i)
    (void)rates.admit_message("2001:db8::" + std::to_string(i), t0);  // documentation addresses
  CHECK(rates.size() <= 64);
}
