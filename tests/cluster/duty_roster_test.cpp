#include "duty_roster.hpp"

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "nats_test_support.hpp"

namespace {

using gw::cluster::DutyRoster;
using gw::cluster::NatsConnection;
using namespace std::chrono_literals;

// One gateway's side: its connection, its roster, and what its volunteer was last told.
struct Gateway {
  explicit Gateway(const std::string& node, const std::string& bucket)
      : nats(gw::test::nats_connection("duty test: " + node)), roster(*nats, bucket, 1, node) {
    gw::test::wait_connected(*nats);
  }
  void volunteer(const std::string& duty) {
    roster.volunteer(duty, [this](const std::string& now_holder, bool now_held) {
      holder = now_holder;
      held = now_held;
    });
  }
  std::unique_ptr<NatsConnection> nats;
  DutyRoster roster;
  std::string holder;  // set in check(), on the test's thread
  bool held = false;
};

// Rounds on every gateway until `done` holds; false when it never did within the patience.
template <typename Done>
bool rounds_until(std::vector<Gateway*> gateways, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + gw::test::nats_patience;
  while (std::chrono::steady_clock::now() < deadline) {
    for (auto* gateway : gateways)
      gateway->roster.check();
    if (done()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

std::string bucket_for(const std::string& test) {
  return "gw-test-duties-" + test;
}

}  // namespace

TEST_CASE("one volunteer holds a duty; a clean withdrawal hands it over", "[nats][duties]") {
  const auto bucket = bucket_for("withdraw");
  Gateway a("a", bucket);
  Gateway b("b", bucket);
  a.volunteer("the MQTT bridge 'home'");
  b.volunteer("the MQTT bridge 'home'");
  REQUIRE(rounds_until({&a, &b}, [&] { return a.held || b.held; }));
  for (int i = 0; i < 3; ++i) {  // held for good, by one only
    a.roster.check();
    b.roster.check();
  }
  CHECK(a.held != b.held);
  auto& holder = a.held ? a : b;
  auto& other = a.held ? b : a;
  CHECK(other.holder == holder.holder);  // each knows which gateway does it
  CHECK(holder.holder == (a.held ? "a" : "b"));
  holder.roster.withdraw("the MQTT bridge 'home'");
  CHECK(rounds_until({&other}, [&] { return other.held; }));
  CHECK(other.holder == (a.held ? "b" : "a"));
}

TEST_CASE("a duty whose holder stops renewing passes on when its lease runs out",
          "[nats][duties]") {
  const auto bucket = bucket_for("lease");
  Gateway a("a", bucket);
  a.volunteer("duty");
  REQUIRE(rounds_until({&a}, [&] { return a.held; }));
  Gateway b("b", bucket);
  b.volunteer("duty");
  b.roster.check();
  CHECK_FALSE(b.held);
  CHECK(b.holder == "a");
  // a stops checking, as a gateway that died: b takes over once the key has expired.
  CHECK(rounds_until({&b}, [&] { return b.held; }));
  // a, back, finds b's lease and gives the duty up at its next round.
  a.roster.check();
  CHECK_FALSE(a.held);
  CHECK(a.holder == "b");
}

TEST_CASE("a gateway restarted under the same node finds its own lease", "[nats][duties]") {
  const auto bucket = bucket_for("restart");
  {
    Gateway before("a", bucket);
    before.volunteer("duty");
    REQUIRE(rounds_until({&before}, [&] { return before.held; }));
  }  // gone without withdrawing
  Gateway after("a", bucket);
  after.volunteer("duty");
  after.roster.check();
  CHECK(after.held);
  Gateway other("b", bucket);
  other.volunteer("duty");
  other.roster.check();
  CHECK_FALSE(other.held);
}
