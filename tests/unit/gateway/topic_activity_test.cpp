#include "hub/topic_activity.hpp"

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

using gw::gateway::TopicActivity;
using namespace std::chrono_literals;

namespace {

gw::message::Message reading(double celsius) {
  gw::message::Message message;
  message.from = "c3";
  message.data = nlohmann::json{{"celsius", celsius}};
  return message;
}

}  // namespace

TEST_CASE("topic activity is kept only while active, and forgotten when it stops", "[feed]") {
  TopicActivity activity;
  const auto start = TopicActivity::Clock::now();
  activity.seen("home/t", reading(20), start);
  CHECK(activity.snapshot(start).empty());  // nobody reads: nothing kept
  activity.set_active(true);
  activity.seen("home/t", reading(20), start);
  activity.seen("$gw/stats", reading(0), start);  // the feed's own are not activity
  CHECK(activity.snapshot(start).size() == 1);
  activity.set_active(false);
  activity.set_active(true);
  CHECK(activity.snapshot(start).empty());
}

TEST_CASE("each topic's count, rate and last message, the busiest first", "[feed]") {
  TopicActivity activity;
  activity.set_active(true);
  const auto start = TopicActivity::Clock::now();
  activity.snapshot(start);
  for (int i = 0; i < 10; ++i)
    activity.seen("home/busy", reading(i), start + 100ms * i);
  activity.seen("home/quiet", reading(5), start);
  const auto snapshot = activity.snapshot(start + 2s);
  REQUIRE(snapshot.size() == 2);
  CHECK(snapshot[0]["topic"] == "home/busy");
  CHECK(snapshot[0]["messages"] == 10);
  CHECK(snapshot[0]["rate"] == 5.0);  // ten in the two seconds since the last snapshot
  CHECK(snapshot[0]["last"]["data"] == nlohmann::json{{"celsius", 9}});
  CHECK(snapshot[0]["last"]["from"] == "c3");
  CHECK(snapshot[1]["rate"] == 0.5);
  // A topic quiet for longer than forget_after is dropped.
  activity.seen("home/busy", reading(1), start + TopicActivity::forget_after);
  CHECK(activity.snapshot(start + TopicActivity::forget_after + 1s).size() == 1);
}

TEST_CASE("topics are bounded: the least recently published to give way", "[feed]") {
  TopicActivity activity;
  activity.set_active(true);
  const auto start = TopicActivity::Clock::now();
  for (std::size_t i = 0; i <= TopicActivity::max_topics; ++i)
    activity.seen("t/" + std::to_string(i), reading(0), start + 1ms * i);
  const auto snapshot = activity.snapshot(start + 1s);
  CHECK(snapshot.size() == TopicActivity::max_topics);
  for (const auto& row : snapshot)
    CHECK(row["topic"] != "t/0");
}
