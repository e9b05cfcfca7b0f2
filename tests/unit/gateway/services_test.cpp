#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <gw/gateway/outgoing_requests.hpp>
#include <gw/gateway/services.hpp>

using gw::gateway::OutgoingRequests;
using gw::gateway::Services;

namespace {

Services::Offer described(std::string description) {
  return {.description = std::move(description), .permission = Services::CallPermission::call};
}

// The ids of providers, with "@" and the node of those elsewhere.
std::vector<std::string> ids(const std::vector<Services::Provider>& providers) {
  std::vector<std::string> out;
  for (const auto& provider : providers)
    out.push_back(provider.node.empty() ? provider.id : provider.id + "@" + provider.node);
  return out;
}

}  // namespace

TEST_CASE("providers of a name share its calls in turn", "[services]") {
  Services services;
  CHECK(services.providers_for_call("double").empty());
  using Provided = Services::Provided;
  CHECK(services.provide("double", "c1", described("doubles n")) == Provided::added);
  CHECK(services.provide("double", "c2", described("ignored: the first description stays")) ==
        Provided::added);
  CHECK(services.provide("double", "c1", {}) == Provided::already);  // once is enough
  // Each call starts at the next provider and falls back on the others in order.
  CHECK(ids(services.providers_for_call("double")) == std::vector<std::string>{"c1", "c2"});
  CHECK(ids(services.providers_for_call("double")) == std::vector<std::string>{"c2", "c1"});
  CHECK(ids(services.providers_for_call("double")) == std::vector<std::string>{"c1", "c2"});
  const auto list = services.list();
  REQUIRE(list.size() == 1);
  CHECK(list[0]["description"] == "doubles n");
  CHECK(list[0]["providers"] == nlohmann::json{"c1", "c2"});
}

TEST_CASE("names and providers are bounded", "[services]") {
  Services services;
  for (std::size_t i = 0; i < Services::max_names; ++i)
    REQUIRE(services.provide("s" + std::to_string(i), "c1", {}) == Services::Provided::added);
  CHECK(services.provide("one-more", "c1", {}) == Services::Provided::full);
  for (std::size_t i = 1; i < Services::max_providers; ++i)
    REQUIRE(services.provide("s0", "p" + std::to_string(i), {}) == Services::Provided::added);
  CHECK(services.provide("s0", "one-more", {}) == Services::Provided::full);
  CHECK(services.withdraw("s1", "c1"));
  CHECK(services.provide("one-more", "c1", {}) == Services::Provided::added);
}

TEST_CASE("a provider that withdraws or leaves provides nothing; the last one takes the name",
          "[services]") {
  Services services;
  services.provide("a", "c1", {});
  services.provide("a", "c2", {});
  services.provide("b", "c1", {});
  CHECK_FALSE(services.withdraw("a", "c3"));
  CHECK(services.withdraw("a", "c2"));
  CHECK(ids(services.providers_for_call("a")) == std::vector<std::string>{"c1"});
  CHECK(services.withdraw_all("c1") == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(services.provided("a"));
  CHECK_FALSE(services.provided("b"));
  CHECK(services.list().empty());
}

TEST_CASE("a provided name is a command only once a call handler is set", "[services]") {
  Services services;
  services.provide("double", "c1", described("doubles n"));
  CHECK_FALSE(services.command("double"));
  services.set_call_handler([](const gw::gateway::CommandContext&) { return std::nullopt; });
  const auto command = services.command("double");
  REQUIRE(command);
  CHECK(command->name == "double");
  CHECK(command->description == "doubles n");
  // Anyone whose call permission names it, and that is all that is checked.
  CHECK(command->permission == gw::gateway::Permission::everyone);
  REQUIRE(command->accesses);
  const auto accesses = command->accesses(gw::message::Message{});
  REQUIRE(accesses.size() == 1);
  CHECK(accesses[0].kind == gw::gateway::Access::Kind::call);
  CHECK(accesses[0].target == "double");
  CHECK_FALSE(services.command("triple"));
  services.provide("reset", "c1",
                   {.description = "", .permission = Services::CallPermission::admin});
  CHECK(services.command("reset")->permission == gw::gateway::Permission::admin);
}

TEST_CASE("the providers other gateways said they have share the calls with this one's",
          "[services]") {
  Services services;
  services.provide("double", "c1@a", described("doubles n"));
  Services other;
  other.provide("double", "c4@b", described("doubles n"));
  other.provide("triple", "c5@b",
                {.description = "triples n", .permission = Services::CallPermission::admin});
  services.set_elsewhere("b", other.shared());
  CHECK(ids(services.providers_for_call("double")) == std::vector<std::string>{"c1@a", "c4@b@b"});
  CHECK(ids(services.providers_for_call("double")) == std::vector<std::string>{"c4@b@b", "c1@a"});
  CHECK(ids(services.providers_for_call("triple")) == std::vector<std::string>{"c5@b@b"});
  const auto list = services.list();
  REQUIRE(list.size() == 2);
  CHECK(list[1]["name"] == "triple");
  CHECK(list[1]["permission"] == "admin");
  CHECK(list[1]["providers"] == nlohmann::json{"c5@b"});
  // What others say is theirs only: this gateway shares its own.
  CHECK(services.shared().size() == 1);

  // A gateway says again what it has: what it no longer says is gone.
  other.withdraw("triple", "c5@b");
  services.set_elsewhere("b", other.shared());
  CHECK_FALSE(services.provided("triple"));
  services.forget("b");
  CHECK(ids(services.providers_for_call("double")) == std::vector<std::string>{"c1@a"});
  // What is not a gateway's list is passed over.
  services.set_elsewhere("c", nlohmann::json::parse(
                                  R"([1, {"name": "x"}, {"name": "y", "providers": ["c1@c"],
                                      "permission": "root"}, {"name": "z", "providers": [],
                                      "permission": "call"}])"));
  CHECK(services.list().size() == 1);
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
