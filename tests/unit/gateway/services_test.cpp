#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <gw/gateway/outgoing_requests.hpp>
#include <gw/gateway/services.hpp>

using gw::gateway::OutgoingRequests;
using gw::gateway::Services;

TEST_CASE("providers of a name share its calls in turn", "[services]") {
  Services services;
  CHECK(services.providers_for_call("double").empty());
  CHECK(services.provide("double", "c1", "doubles n"));
  CHECK(services.provide("double", "c2", "ignored: the first description stays"));
  CHECK_FALSE(services.provide("double", "c1", ""));  // once is enough
  // Each call starts at the next provider and falls back on the others in order.
  CHECK(services.providers_for_call("double") == std::vector<std::string>{"c1", "c2"});
  CHECK(services.providers_for_call("double") == std::vector<std::string>{"c2", "c1"});
  CHECK(services.providers_for_call("double") == std::vector<std::string>{"c1", "c2"});
  const auto list = services.list();
  REQUIRE(list.size() == 1);
  CHECK(list[0]["description"] == "doubles n");
  CHECK(list[0]["providers"] == nlohmann::json{"c1", "c2"});
}

TEST_CASE("a provider that withdraws or leaves provides nothing; the last one takes the name",
          "[services]") {
  Services services;
  services.provide("a", "c1", "");
  services.provide("a", "c2", "");
  services.provide("b", "c1", "");
  CHECK_FALSE(services.withdraw("a", "c3"));
  CHECK(services.withdraw("a", "c2"));
  CHECK(services.providers_for_call("a") == std::vector<std::string>{"c1"});
  CHECK(services.withdraw_all("c1") == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(services.provided("a"));
  CHECK_FALSE(services.provided("b"));
  CHECK(services.list().empty());
}

TEST_CASE("a provided name is a command only once a call handler is set", "[services]") {
  Services services;
  services.provide("double", "c1", "doubles n");
  CHECK_FALSE(services.command("double"));
  services.set_call_handler([](const gw::gateway::CommandContext&) { return std::nullopt; });
  const auto command = services.command("double");
  REQUIRE(command);
  CHECK(command->name == "double");
  CHECK(command->description == "doubles n");
  CHECK(command->permission == gw::gateway::Permission::user);
  CHECK_FALSE(services.command("triple"));
}

TEST_CASE("the requests to a client that left end at once, the others wait", "[services]") {
  OutgoingRequests requests;
  const auto later = OutgoingRequests::Clock::now() + std::chrono::hours(1);
  std::vector<std::string> ended;
  requests.add("c1", later, [&](auto reply) { ended.push_back(reply ? "answered" : "c1"); });
  requests.add("c2", later, [&](auto reply) { ended.push_back(reply ? "answered" : "c2"); });
  requests.end_for("c1");
  CHECK(ended == std::vector<std::string>{"c1"});
  CHECK(requests.pending() == 1);
}
