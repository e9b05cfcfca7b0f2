#include "subjects.hpp"

#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <gw/message/topic.hpp>

namespace {

using gw::cluster::Subjects;

std::vector<std::string_view> tokens(std::string_view subject) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto dot = subject.find('.');
    out.push_back(subject.substr(0, dot));
    if (dot == std::string_view::npos) return out;
    subject.remove_prefix(dot + 1);
  }
}

// NATS's own rule: '*' is one token, '>' (last) one or more.
bool nats_matches(std::string_view pattern, std::string_view subject) {
  const auto want = tokens(pattern);
  const auto have = tokens(subject);
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == ">") return have.size() > i;
    if (i >= have.size() || (want[i] != "*" && want[i] != have[i])) return false;
  }
  return want.size() == have.size();
}

bool any_matches(const std::vector<std::string>& patterns, const std::string& subject) {
  for (const auto& pattern : patterns)
    if (nats_matches(pattern, subject)) return true;
  return false;
}

TEST_CASE("subjects: a topic's levels are escaped out of NATS syntax", "[cluster]") {
  const Subjects subjects("home");
  CHECK(subjects.topic("a/b") == "gw.home.topic.a.b");
  CHECK(subjects.topic("x.y/*/>/a b/%") == "gw.home.topic.x%2Ey.%2A.%3E.a%20b.%25");
  CHECK(subjects.topic("/a//") == "gw.home.topic.%.a.%.%");
  CHECK(subjects.to_client("c7@floor-1") == "gw.home.to.c7%40floor-1");
  for (const std::string text : {"plain", "", "x.y", "*", ">", "a b", "%41", "ü/ö", "%"})
    CHECK(Subjects::unescape(Subjects::escape(text)) == text);
  CHECK(Subjects::client_of(subjects.to_client("kitchen.sensor")) == "kitchen.sensor");
  CHECK(subjects.topic_of(subjects.topic("x.y/*/a b//")) == "x.y/*/a b//");
  CHECK(subjects.topic_of("gw.other.topic.a") == "");
}

TEST_CASE("subjects: a filter's subjects match exactly the topics it matches", "[cluster]") {
  const Subjects subjects("gw");
  CHECK(subjects.filter("a/+/c") == std::vector<std::string>{"gw.gw.topic.a.*.c"});
  CHECK(subjects.filter("a/#") == std::vector<std::string>{"gw.gw.topic.a", "gw.gw.topic.a.>"});
  CHECK(subjects.filter("#") == std::vector<std::string>{"gw.gw.topic.>"});
  const std::vector<std::string> topics = {"a",   "a/b",   "a/b/c", "a/x/c",  "b/b/c",
                                           "a.b", "a/b.c", "a/*/c", "a/>",    "/a",
                                           "a/",  "a//c",  "x y",   "a/b/c/d"};
  const std::vector<std::string> filters = {"a",  "a/#",     "a/+", "a/+/c", "+/b/c",
                                            "#",  "+",       "a.b", "a/*/c", "/+",
                                            "+/", "a/+/+/#", "x y", "+/+/c"};
  for (const auto& filter : filters)
    for (const auto& topic : topics) {
      INFO(filter << " on " << topic);
      CHECK(any_matches(subjects.filter(filter), subjects.topic(topic)) ==
            gw::message::topic::matches(filter, topic));
    }
}

}  // namespace
