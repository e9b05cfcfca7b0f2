#include <catch2/catch.hpp>

#include <gw/gateway/topic.hpp>

namespace topic = gw::message::topic;

TEST_CASE("topic filters match as in MQTT", "[topic]") {
  struct Case {
    const char* filter;
    const char* name;
    bool matches;
  };
  const Case cases[] = {
      {"a/b", "a/b", true},
      {"a/b", "a/c", false},
      {"a/b", "a/b/c", false},
      {"a/b/c", "a/b", false},
      {"a/+", "a/b", true},
      {"a/+", "a/b/c", false},
      {"a/+", "a", false},
      {"a/+/c", "a/b/c", true},
      {"a/+/c", "a/b/d", false},
      {"+/+", "/finance", true},  // an empty level is a level
      {"/+", "/finance", true},
      {"+", "/finance", false},
      {"a/+", "a/", true},
      {"a/#", "a", true},  // # includes the parent level
      {"a/#", "a/b", true},
      {"a/#", "a/b/c/d", true},
      {"a/#", "ab", false},
      {"a/#", "b/a", false},
      {"#", "anything/at/all", true},
      {"#", "a", true},
      {"+/#", "a/b/c", true},
      {"+/b/#", "x/b", true},
      {"+/b/#", "x/c/b", false},
      {"home/+/temperature", "home/kitchen/temperature", true},
      {"home/+/temperature", "home/kitchen/humidity", false},
      {"#", "$SYS/uptime", false},  // wildcards at the start skip $ topics
      {"+/uptime", "$SYS/uptime", false},
      {"$SYS/#", "$SYS/uptime", true},
      {"A/b", "a/b", false},  // case matters
  };
  for (const auto& c : cases) {
    INFO(c.filter << " vs " << c.name);
    REQUIRE_FALSE(topic::check_filter(c.filter));
    REQUIRE_FALSE(topic::check_name(c.name));
    CHECK(topic::matches(c.filter, c.name) == c.matches);
  }
}

TEST_CASE("a filter covers another when it matches every topic the other does", "[topic]") {
  struct Case {
    const char* wider;
    const char* filter;
    bool covers;
  };
  const Case cases[] = {
      {"home/#", "home/#", true},
      {"home/#", "home/+/temp", true},
      {"home/#", "home", true},
      {"home/#", "home/kitchen", true},
      {"home/+", "home/kitchen", true},
      {"home/+", "home/+", true},
      {"home/+", "home/#", false},
      {"home/+", "home", false},
      {"home/kitchen", "home/+", false},
      {"#", "a/b", true},
      {"#", "$SYS/x", false},
      {"+/x", "a/x", true},
      {"a/b", "a/b/c", false},
      {"a/b/c", "a/b", false},
      {"a/b/#", "a/+", false},
      {"a/+/#", "a/b/c/d", true},
  };
  for (const auto& c : cases) {
    INFO(c.wider << " over " << c.filter);
    CHECK(topic::covers(c.wider, c.filter) == c.covers);
    // Covering means matching every topic: spot-checked on the filter's own name.
    if (c.covers && !topic::check_name(c.filter)) CHECK(topic::matches(c.wider, c.filter));
  }
}

TEST_CASE("topic names and filters are checked with reasons", "[topic]") {
  CHECK_FALSE(topic::check_name("home/kitchen/temperature"));
  CHECK(*topic::check_name("") == "topic is empty");
  CHECK_THAT(*topic::check_name("a/+/b"), Catch::Contains("wildcard"));
  CHECK_THAT(*topic::check_name("a/#"), Catch::Contains("wildcard"));
  CHECK_THAT(*topic::check_name(std::string(257, 'x')), Catch::Contains("longer than 256"));
  CHECK_THAT(*topic::check_name("a\nb"), Catch::Contains("control character"));

  CHECK_FALSE(topic::check_filter("#"));
  CHECK_FALSE(topic::check_filter("+/+/#"));
  CHECK_THAT(*topic::check_filter("a/#/b"), Catch::Contains("# must be the whole last level"));
  CHECK_THAT(*topic::check_filter("a/b#"), Catch::Contains("# must be the whole last level"));
  CHECK_THAT(*topic::check_filter("a/b+"), Catch::Contains("+ must be a whole level"));
  CHECK_THAT(*topic::check_filter("+a"), Catch::Contains("+ must be a whole level"));
  CHECK(*topic::check_filter("") == "topic filter is empty");
}
