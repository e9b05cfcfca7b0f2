#include <catch2/catch.hpp>

#include <gw/discovery/cidr.hpp>

namespace {

using gw::discovery::Cidr;

TEST_CASE("cidr: parse and normalise", "[cidr]") {
  CHECK(Cidr::parse("127.1.1.0/24").to_string() == "127.1.1.0/24");
  CHECK(Cidr::parse("127.1.1.77/24").to_string() == "127.1.1.0/24");  // host bits cleared
  CHECK(Cidr::parse("127.1.2.3").to_string() == "127.1.2.3/32");
  CHECK(Cidr::parse("0.0.0.0/0").size() == (std::uint64_t{1} << 32));
  CHECK(Cidr::parse("127.0.0.0/8").prefix() == 8);
}

TEST_CASE("cidr: bad networks say what is wrong", "[cidr]") {
  for (const char* bad : {"", "127.0.0", "127.0.0.0/", "127.0.0.0/33", "127.0.0.0/-1",
                          "127.0.0.0/2x", "example.com/24", "::1/128"}) {
    INFO(bad);
    CHECK_THROWS_AS(Cidr::parse(bad), std::invalid_argument);
  }
  CHECK_THROWS_WITH(Cidr::parse("127.0.0.0/40"), Catch::Contains("from 0 to 32"));
  CHECK_THROWS_WITH(Cidr::parse("nonsense"), Catch::Contains("ADDRESS/PREFIX"));
}

TEST_CASE("cidr: hosts leave out the network and broadcast addresses", "[cidr]") {
  const auto hosts = Cidr::parse("127.77.0.0/24").hosts();
  REQUIRE(hosts.size() == 254);
  CHECK(hosts.front().to_string() == "127.77.0.1");
  CHECK(hosts.back().to_string() == "127.77.0.254");
  CHECK(Cidr::parse("127.0.0.0/22").hosts().size() == 1022);
  CHECK(Cidr::parse("127.0.0.8/30").hosts().size() == 2);
  // /31 (point-to-point) and /32 have no network or broadcast address.
  CHECK(Cidr::parse("127.0.0.8/31").hosts().size() == 2);
  const auto single = Cidr::parse("127.0.0.9/32").hosts();
  REQUIRE(single.size() == 1);
  CHECK(single.front().to_string() == "127.0.0.9");
}

}  // namespace
