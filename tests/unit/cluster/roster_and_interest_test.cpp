#include <chrono>

#include <catch2/catch.hpp>

#include "interest.hpp"
#include "node_roster.hpp"

namespace {

using gw::cluster::Interest;
using gw::cluster::NodeRoster;
using namespace std::chrono_literals;

TEST_CASE("roster: a gateway is alive while heard within its lifetime", "[cluster]") {
  NodeRoster roster("a", 3s);
  const auto now = NodeRoster::Clock::now();
  roster.heard("b", {{"node", "b"}}, now);
  roster.heard("c", {{"node", "c"}}, now - 5s);
  roster.heard("a", {{"node", "a"}}, now);  // itself: not another
  CHECK(roster.alive("b", now));
  CHECK_FALSE(roster.alive("c", now));
  CHECK(roster.others(now) == std::vector<std::string>{"b"});
  const auto nodes = roster.nodes({{"node", "a"}}, now);
  REQUIRE(nodes.size() == 2);
  CHECK(nodes[0]["node"] == "a");  // this gateway first
  CHECK(nodes[1]["node"] == "b");
  CHECK_FALSE(roster.alive("b", now + 4s));
}

TEST_CASE("interest: a key is subscribed while any client needs it", "[cluster]") {
  Interest interest([](const std::string& key) { return std::vector<std::string>{key}; },
                    [](const std::string&) { return [](const auto&) {}; });
  CHECK(interest.add("a/#"));        // the first: subscribe
  CHECK_FALSE(interest.add("a/#"));  // a second client: nothing to do
  CHECK(interest.add("+/b"));
  CHECK(interest.first_where([](const std::string&) { return true; }) == "+/b");
  CHECK(interest.first_where([](const std::string& key) { return key == "a/#"; }) == "a/#");
  CHECK_FALSE(interest.remove("a/#"));  // one client still holds it
  CHECK_FALSE(interest.remove("a/#"));  // queued already (its subscription not yet made)
  CHECK(interest.first_where([](const std::string& key) { return key == "a/#"; }).empty());
  CHECK_FALSE(interest.remove("never/added"));
}

}  // namespace
