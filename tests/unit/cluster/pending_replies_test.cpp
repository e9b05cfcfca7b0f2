#include "pending_replies.hpp"

#include <chrono>

#include <catch2/catch.hpp>

namespace {

using gw::cluster::NatsConnection;
using gw::cluster::PendingReplies;
using namespace std::chrono_literals;

TEST_CASE("pending replies: each request ends once, by an answer or its deadline", "[cluster]") {
  PendingReplies pending;
  int answers = 0, deadlines = 0;
  const auto needs_two = pending.add(
      1h, [&](const NatsConnection::Incoming&) { return ++answers == 2; }, [&] { ++deadlines; });
  const NatsConnection::Incoming incoming{"subject", "", "data", false, ""};
  pending.answer(needs_two, incoming);
  pending.answer(needs_two, incoming);
  pending.answer(needs_two, incoming);  // ended: not counted
  pending.expire(PendingReplies::Clock::now() + 2h);
  CHECK(answers == 2);
  CHECK(deadlines == 0);

  const auto unanswered = pending.add(
      10ms, [&](const NatsConnection::Incoming&) { return true; }, [&] { ++deadlines; });
  pending.expire(PendingReplies::Clock::now());  // not yet
  CHECK(deadlines == 0);
  pending.expire(PendingReplies::Clock::now() + 1s);
  CHECK(deadlines == 1);
  pending.answer(unanswered, incoming);  // too late
  CHECK(answers == 2);

  pending.add(
      1h, [&](const NatsConnection::Incoming&) { return true; }, [&] { ++deadlines; });
  const auto abandoned = pending.add(
      1h, [&](const NatsConnection::Incoming&) { return true; }, [&] { ++deadlines; });
  pending.abandon(abandoned);
  CHECK(deadlines == 2);
  pending.abandon_all();
  CHECK(deadlines == 3);
}

}  // namespace
