// What a device (or the shared key) may do: each kind of permission allows what its list says
// and nothing wider.
#include <catch2/catch.hpp>

#include <gw/gateway/permissions.hpp>

using gw::gateway::Access;
using gw::gateway::PermissionLists;
using gw::gateway::Permissions;
using Kind = Access::Kind;

TEST_CASE("topic permissions take filters, and subscriptions no wider than them", "[permissions]") {
  const Permissions sensor(PermissionLists{.publish = {"home/kitchen/#"},
                                           .subscribe = {"home/kitchen/#", "lab/+/state"}});
  CHECK(sensor.allows({Kind::publish, "home/kitchen/temperature"}));
  CHECK(sensor.allows({Kind::publish, "home/kitchen"}));
  CHECK_FALSE(sensor.allows({Kind::publish, "home/garage/x"}));
  CHECK_FALSE(sensor.allows({Kind::publish, "home"}));
  CHECK(sensor.allows({Kind::subscribe, "home/kitchen/+/set"}));
  CHECK(sensor.allows({Kind::subscribe, "home/kitchen/#"}));
  CHECK(sensor.allows({Kind::subscribe, "lab/7/state"}));
  CHECK(sensor.allows({Kind::subscribe, "lab/+/state"}));
  // Wider than allowed is refused, not narrowed.
  CHECK_FALSE(sensor.allows({Kind::subscribe, "home/#"}));
  CHECK_FALSE(sensor.allows({Kind::subscribe, "#"}));
  CHECK_FALSE(sensor.allows({Kind::subscribe, "lab/#"}));
  CHECK_FALSE(sensor.allows({Kind::subscribe, "+/kitchen/#"}));
}

TEST_CASE("# alone grants every topic, $ topics too", "[permissions]") {
  const Permissions all(PermissionLists{.publish = {"#"}, .subscribe = {"#"}});
  CHECK(all.allows({Kind::publish, "$gw/stats"}));
  CHECK(all.allows({Kind::subscribe, "$gw/#"}));
  CHECK(all.allows({Kind::subscribe, "#"}));
  const Permissions plus(PermissionLists{.subscribe = {"+/#"}});
  CHECK_FALSE(plus.allows({Kind::subscribe, "$gw/#"}));
}

TEST_CASE("names are allowed by name, and * allows all", "[permissions]") {
  const Permissions panel(PermissionLists{.send = {"printer", "c7"},
                                          .commands = {"lookup", "ask"},
                                          .requestables = {"time"},
                                          .tables = {"*"}});
  CHECK(panel.allows({Kind::send, "printer"}));
  CHECK(panel.allows({Kind::send, "c7"}));
  CHECK_FALSE(panel.allows({Kind::send, "scanner"}));
  CHECK(panel.allows({Kind::command, "ask"}));
  CHECK_FALSE(panel.allows({Kind::command, "clients"}));
  CHECK(panel.allows({Kind::requestable, "time"}));
  CHECK_FALSE(panel.allows({Kind::requestable, "stats"}));
  CHECK(panel.allows({Kind::table, "anything"}));
  CHECK(panel.list(Kind::command) == std::vector<std::string>{"lookup", "ask"});
  const Permissions lamp(PermissionLists{.provide = {"lamp-state"}, .call = {"*"}});
  CHECK(lamp.allows({Kind::provide, "lamp-state"}));
  CHECK_FALSE(lamp.allows({Kind::provide, "door-state"}));
  CHECK(lamp.allows({Kind::call, "anything"}));
}

TEST_CASE("every kind has its field, its action and its place in the JSON", "[permissions]") {
  const Permissions lists(PermissionLists{.provide = {"where"}, .call = {"double"}});
  const auto json = lists.to_json();
  CHECK(json["provide"] == nlohmann::json{"where"});
  CHECK(json["call"] == nlohmann::json{"double"});
  for (const auto kind : gw::gateway::all_access_kinds) {
    CHECK(json.contains(std::string(gw::gateway::to_string(kind))));
    CHECK_FALSE(gw::gateway::action_of(kind).empty());
  }
  CHECK(gw::gateway::access_fields() ==
        "publish, subscribe, send, commands, requestables, tables, provide, call");
  CHECK(gw::gateway::permission_entry_problem(Kind::provide, "two words") ==
        "a name such as \"where\", or \"*\" for all");
}

TEST_CASE("nothing listed allows nothing; admin allows everything", "[permissions]") {
  const Permissions none(PermissionLists{});
  for (const auto kind : gw::gateway::all_access_kinds)
    CHECK_FALSE(none.allows({kind, "x"}));
  const Permissions admin(PermissionLists{.admin = true});
  for (const auto kind : gw::gateway::all_access_kinds)
    CHECK(admin.allows({kind, "x"}));
  const auto everything = Permissions::everything_but_admin();
  CHECK_FALSE(everything.admin());
  for (const auto kind : gw::gateway::all_access_kinds)
    CHECK(everything.allows({kind, "x"}));
  CHECK(everything.allows({Kind::subscribe, "#"}));
}

TEST_CASE("a permission entry that cannot be one says why", "[permissions]") {
  using gw::gateway::permission_entry_problem;
  CHECK_FALSE(permission_entry_problem(Kind::publish, "home/#"));
  CHECK(permission_entry_problem(Kind::publish, "home/#/x"));
  CHECK_FALSE(permission_entry_problem(Kind::send, "kitchen-sensor"));
  CHECK_FALSE(permission_entry_problem(Kind::send, "*"));
  CHECK(*permission_entry_problem(Kind::send, "two words") ==
        "a name or id (no blanks or commas), or \"*\" for anyone");
  CHECK_FALSE(permission_entry_problem(Kind::command, "*"));
  CHECK(permission_entry_problem(Kind::command, "look*"));
  CHECK(*permission_entry_problem(Kind::requestable, "") ==
        "a name such as \"time\", or \"*\" for all");
  CHECK(to_string(Kind::requestable) == "requestables");
}
