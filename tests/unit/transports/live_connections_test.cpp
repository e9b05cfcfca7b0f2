// A listener's connections: bounded in all and per source address (trusted networks exempt),
// and all of them closed when the listener stops.
#include "live_connections.hpp"

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace {

using gw::transports::Closable;
using gw::transports::Limits;
using gw::transports::LiveConnections;
using Refusal = LiveConnections::Refusal;

class CountedConnection final : public Closable {
 public:
  void close() override { ++closes; }
  int closes = 0;
};

Limits small_limits() {
  Limits limits;
  limits.max_connections = 4;
  limits.max_connections_per_address = 2;
  return limits;
}

}  // namespace

TEST_CASE("connections from one address are limited, and a closed one frees its place",
          "[live-connections]") {
  LiveConnections live;
  const auto limits = small_limits();
  auto connection = std::make_shared<CountedConnection>();
  const auto first = live.add(connection, "192.0.2.1", limits);
  const auto second = live.add(connection, "192.0.2.1", limits);
  CHECK(first.id != 0);
  CHECK(second.id != first.id);
  const auto third = live.add(connection, "192.0.2.1", limits);
  CHECK(third.id == 0);
  CHECK(third.refusal == Refusal::address_full);
  CHECK(describe(third.refusal, limits) == "at the limit of 2 connections from one address");
  CHECK(live.add(connection, "192.0.2.2", limits).id != 0);  // another address is not held up

  live.remove(first.id);
  CHECK(live.add(connection, "192.0.2.1", limits).id != 0);
  live.remove(first.id);  // twice: nothing happens
}

TEST_CASE("the listener's own limit holds whatever the addresses", "[live-connections]") {
  LiveConnections live;
  const auto limits = small_limits();
  auto connection = std::make_shared<CountedConnection>();
  for (const char* host : {"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"})
    REQUIRE(live.add(connection, host, limits).id != 0);
  const auto refused = live.add(connection, "192.0.2.5", limits);
  CHECK(refused.refusal == Refusal::listener_full);
  CHECK(describe(refused.refusal, limits) == "at the limit of 4 connections");
}

TEST_CASE("a trusted network is exempt from the per-address limit only", "[live-connections]") {
  LiveConnections live;
  auto limits = small_limits();
  std::string complaint;
  const auto trusted = gw::transports::NetworkList::parse("127.0.0.0/8", complaint);
  REQUIRE(trusted);
  limits.trusted_networks = *trusted;
  auto connection = std::make_shared<CountedConnection>();
  for (int i = 0; i < 4; ++i)
    REQUIRE(live.add(connection, "127.0.0.1", limits).id != 0);
  CHECK(live.add(connection, "127.0.0.1", limits).refusal == Refusal::listener_full);
}

TEST_CASE("stopping closes every connection still alive, once", "[live-connections]") {
  LiveConnections live;
  const auto limits = small_limits();
  auto alive = std::make_shared<CountedConnection>();
  auto gone = std::make_shared<CountedConnection>();
  live.add(alive, "192.0.2.1", limits);
  live.add(gone, "192.0.2.2", limits);
  gone.reset();  // its operations ended; only a weak pointer is left
  live.close_all();
  CHECK(alive->closes == 1);
}
