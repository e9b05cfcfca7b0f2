// Topic history on its own and over a real SQLite file: offsets, trims, what `since` can and
// cannot recover, and what a second store opened on the file gives back.

#include "hub/topic_history.hpp"

#include <chrono>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include <gw/gateway/memory_store.hpp>
#include <gw/gateway/sqlite_store.hpp>

#include "test_support.hpp"

namespace {

using gw::gateway::HistorySpec;
using gw::gateway::TopicHistory;
using namespace std::chrono_literals;

const auto start = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));

// Publishes `text` to `topic` as the publish command does: offset first, then keep.
std::uint64_t publish(TopicHistory& history, const std::string& topic, const std::string& text,
                      std::chrono::system_clock::time_point at = start) {
  auto message = std::make_shared<gw::message::Message>();
  message->topic = topic;
  message->text = text;
  message->offset = history.next_offset();
  const auto offset = message->offset;
  history.keep(topic, std::move(message), at);
  return offset;
}

std::vector<std::string> texts(const std::vector<TopicHistory::Kept>& messages) {
  std::vector<std::string> list;
  for (const auto& message : messages)
    list.push_back(message->text);
  return list;
}

TopicHistory::Since since(const TopicHistory& history, std::uint64_t offset) {
  return {history.epoch(), offset, std::nullopt};
}

}  // namespace

TEST_CASE("history keeps the topics its filters match, numbered over every topic", "[history]") {
  gw::gateway::MemoryStore store;
  TopicHistory history({{"home/#", 3}}, 100, store, start);
  CHECK(history.keeps("home/kitchen"));
  CHECK_FALSE(history.keeps("garden"));
  const auto first = publish(history, "home/kitchen", "k1");
  publish(history, "home/hall", "h1");
  publish(history, "home/kitchen", "k2");
  CHECK(history.newest_offset() == first + 2);

  auto missed = history.since("home/#", since(history, first), 100);
  CHECK(missed.recovered);
  CHECK(texts(missed.messages) == std::vector<std::string>{"h1", "k2"});
  CHECK(texts(history.last("home/kitchen", 5)) == std::vector<std::string>{"k1", "k2"});
  CHECK(texts(history.last("home/#", 2)) == std::vector<std::string>{"h1", "k2"});

  SECTION("a trimmed topic cannot be recovered from before its trim") {
    for (int i = 3; i <= 6; ++i)
      publish(history, "home/kitchen", "k" + std::to_string(i));
    missed = history.since("home/kitchen", since(history, first), 100);
    CHECK_FALSE(missed.recovered);
    CHECK_THAT(missed.why, Catch::Contains("home/kitchen"));
    CHECK(texts(missed.messages) == std::vector<std::string>{"k4", "k5", "k6"});
    // The hall was not trimmed: a subscriber of the hall alone recovers.
    CHECK(history.since("home/hall", since(history, first), 100).recovered);
  }
  SECTION("another epoch, an uncovered filter, or too many, is not recovered") {
    CHECK_FALSE(history.since("home/#", {"0000000000000000", first, std::nullopt}, 100).recovered);
    CHECK_FALSE(history.since("#", since(history, first), 100).recovered);
    missed = history.since("home/#", since(history, 0), 2);
    CHECK_FALSE(missed.recovered);
    CHECK(texts(missed.messages) == std::vector<std::string>{"h1", "k2"});  // the newest
  }
  SECTION("since a time") {
    publish(history, "home/hall", "later", start + 10s);
    missed = history.since("home/#", {"", 0, start + 5s}, 100);
    CHECK(missed.recovered);
    CHECK(texts(missed.messages) == std::vector<std::string>{"later"});
    CHECK_FALSE(history.since("home/#", {"", 0, start - 5s}, 100).recovered);  // before it began
  }
}

TEST_CASE("history expires by age and is bounded in topics", "[history]") {
  gw::gateway::MemoryStore store;
  TopicHistory history({{"t/#", 10, 60s}}, 2, store, start);
  const auto first = publish(history, "t/a", "a1", start);
  publish(history, "t/b", "b1", start + 30s);
  history.expire(start + 70s);
  CHECK(texts(history.last("t/#", 10)) == std::vector<std::string>{"b1"});
  CHECK_FALSE(history.since("t/a", since(history, first - 1), 10).recovered);
  CHECK(history.since("t/a", since(history, first), 10).recovered);
  // t/a holds nothing now: a third topic takes its place, and a since before it is not
  // recovered whatever its filter (the trim is no longer known per topic).
  publish(history, "t/c", "c1", start + 71s);
  CHECK(history.topic_count() == 2);
  CHECK_FALSE(history.since("t/b", since(history, first - 1), 10).recovered);
  // Full of topics that hold something: a fourth is delivered but not kept.
  auto message = std::make_shared<gw::message::Message>();
  message->offset = history.next_offset();
  CHECK_FALSE(history.keep("t/d", message, start + 72s));
}

TEST_CASE("history is kept in the SQLite store across a restart", "[history][sqlite]") {
  gw::test::TemporaryDirectory directory;
  gw::gateway::StorageOptions options;
  options.file = directory.path() / "gw.db";
  std::string epoch;
  std::uint64_t first = 0;
  {
    gw::gateway::SqliteStore store(options);
    TopicHistory history({{"home/#", 3}}, 100, store, start);
    epoch = history.epoch();
    first = publish(history, "home/kitchen", "k1");
    for (int i = 2; i <= 4; ++i)
      publish(history, "home/kitchen", "k" + std::to_string(i));
    publish(history, "home/hall", "h1");
  }  // the store commits what is queued as it closes
  {
    gw::gateway::SqliteStore store(options);
    TopicHistory history({{"home/#", 3}}, 100, store, start);
    CHECK(history.epoch() == epoch);
    CHECK(history.newest_offset() == first + 4);
    CHECK(texts(history.last("home/#", 10)) == std::vector<std::string>{"k2", "k3", "k4", "h1"});
    CHECK(history.last("home/#", 10).front()->offset == first + 1);
    CHECK_FALSE(history.since("home/kitchen", since(history, first - 1), 10).recovered);
    CHECK(history.since("home/kitchen", since(history, first), 10).recovered);  // k1 was seen
    CHECK(publish(history, "home/hall", "h2") == first + 5);                    // numbering goes on
  }
  {
    // Bounds that shrank, and a filter that went: trimmed and forgotten at start.
    gw::gateway::SqliteStore store(options);
    TopicHistory history({{"home/kitchen", 1}}, 100, store, start);
    CHECK(texts(history.last("#", 10)) == std::vector<std::string>{"k4"});
  }
  {
    gw::gateway::SqliteStore store(options);
    TopicHistory history({{"home/#", 10}}, 100, store, start);
    CHECK(texts(history.last("#", 10)) == std::vector<std::string>{"k4"});
  }
}
