#include "dispatch/typed_command.hpp"

#include <catch2/catch.hpp>

using gw::gateway::parse_typed_command;

TEST_CASE("typed commands: /NAME a b and s.NAME(a, b)", "[typed]") {
  struct Case {
    const char* text;
    const char* name;  // null: not a command
    const char* args;
  };
  const Case cases[] = {
      {"/ping", "ping", ""},
      {"/send bob hello there", "send", "bob hello there"},
      {"  /lookup sensors/kitchen  ", "lookup", "sensors/kitchen"},
      {"s.ping()", "ping", ""},
      {"s.send(bob, hello)", "send", "bob hello"},
      {"s.get( time )", "get", "time"},
      {"s.lookup(sensors/kitchen)", "lookup", "sensors/kitchen"},
      {"hello", nullptr, ""},
      {"/", nullptr, ""},
      {"/ ping", nullptr, ""},
      {"/send/x", nullptr, ""},
      {"s.ping", nullptr, ""},
      {"s.(a)", nullptr, ""},
      {"s.bad name(a)", nullptr, ""},
      {"see s.ping()", nullptr, ""},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const auto typed = parse_typed_command(c.text);
    if (!c.name) {
      CHECK_FALSE(typed);
      continue;
    }
    REQUIRE(typed);
    CHECK(typed->name == c.name);
    CHECK(typed->args == c.args);
  }
}
