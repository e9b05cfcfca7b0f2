// Every command that delivers goes through the gateway's router, so a cluster's router can sit
// in front of the local one without the commands changing.

#include <mutex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <gw/gateway/local_router.hpp>

#include "gateway_fixture.hpp"

namespace {

using gw::gateway::Delivery;
using gw::gateway::LocalRouter;
using gw::gateway::Router;
using gw::test::addressed;
using gw::test::command;
using gw::transports::TransportKind;
using Fixture = gw::test::GatewayFixture;

// Stands where a cluster's router would: records each call, knows one client that lives
// elsewhere ("remote-lamp"), and hands everything else to the local router.
class WatchingRouter final : public Router {
 public:
  explicit WatchingRouter(std::unique_ptr<Router> local) : local_(std::move(local)) {}

  std::optional<Recipient> to_client(std::string_view who, const Delivery& delivery) override {
    record("client " + std::string(who) + ": " + delivery.message()->text);
    if (who == "remote-lamp") return Recipient{"g2.c7", "remote-lamp"};
    return local_->to_client(who, delivery);
  }
  Reached to_topic(std::string_view topic, const Delivery& delivery) override {
    record("topic " + std::string(topic) + ": " + delivery.message()->text);
    auto reached = local_->to_topic(topic, delivery);
    ++reached.delivered;  // one subscriber elsewhere
    return reached;
  }
  Reached to_everyone(const Delivery& delivery) override {
    record("everyone: " + delivery.message()->text);
    return local_->to_everyone(delivery);
  }
  std::vector<std::string> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  void record(std::string call) {
    std::lock_guard lock(mutex_);
    calls_.push_back(std::move(call));
  }
  std::unique_ptr<Router> local_;
  mutable std::mutex mutex_;
  std::vector<std::string> calls_;
};

}  // namespace

TEST_CASE_METHOD(Fixture, "chat, send, broadcast and publish deliver through the router",
                 "[router]") {
  auto watching = std::make_unique<WatchingRouter>(
      std::make_unique<LocalRouter>(gateway.hub(), gateway.metrics()));
  auto& router = *watching;
  gateway.use_router(std::move(watching));

  auto tcp = connect(TransportKind::tcp);
  REQUIRE(request(tcp, command("rename", "desk")).code == 200);
  REQUIRE(request(tcp, command("subscribe", "home/#")).code == 200);
  auto sender = connect(TransportKind::tcp);

  CHECK(request(sender, addressed("send", "desk", "", "one")).text ==
        "delivered to c" + std::to_string(tcp->id()) + " (desk)");
  CHECK(last(tcp).text == "one");

  // A client only the router knows of is reached; one nobody knows of is 404.
  CHECK(request(sender, addressed("send", "remote-lamp", "", "two")).text ==
        "delivered to g2.c7 (remote-lamp)");
  CHECK(request(sender, addressed("send", "nobody", "", "three")).code == 404);

  const auto published = request(sender, addressed("publish", "", "home/door", "four"));
  CHECK(published.data.parse()["delivered"] == 2);
  CHECK(last(tcp).text == "four");

  CHECK(request(sender, addressed("", "", "", "five")).data.parse()["delivered"] == 2);
  CHECK(request(sender, addressed("broadcast", "", "", "six")).data.parse()["delivered"] == 2);
  CHECK(request(sender, addressed("", "", "", "/send desk seven")).code == 200);

  CHECK(router.calls() == std::vector<std::string>{"client desk: one", "client remote-lamp: two",
                                                   "client nobody: three", "topic home/door: four",
                                                   "everyone: five", "everyone: six",
                                                   "client desk: seven"});
  // Counted where they happened, by the local router: one, four, five (2), six (2), seven.
  CHECK(gateway.metrics().deliveries() == 7);
}
