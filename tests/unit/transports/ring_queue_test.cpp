#include <deque>
#include <memory>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include <gw/transports/ring_queue.hpp>

using gw::transports::RingQueue;

TEST_CASE("a ring queue keeps first-in first-out order as it grows and wraps", "[ring_queue]") {
  RingQueue<std::string> queue;
  std::deque<std::string> expected;
  std::mt19937 random(7);
  for (int step = 0; step < 20000; ++step) {
    if (expected.empty() || random() % 3 != 0) {
      queue.push_back(std::to_string(step));
      expected.push_back(std::to_string(step));
    } else {
      REQUIRE(queue.front() == expected.front());
      queue.pop_front();
      expected.pop_front();
    }
    REQUIRE(queue.size() == expected.size());
    if (!expected.empty()) {
      REQUIRE(queue.back() == expected.back());
      const auto middle = expected.size() / 2;
      REQUIRE(queue[middle] == expected[middle]);
    }
  }
}

TEST_CASE("a ring queue lets go of an element when it is popped", "[ring_queue]") {
  RingQueue<std::shared_ptr<int>> queue;
  CHECK(queue.empty());
  auto shared = std::make_shared<int>(5);
  queue.push_back(shared);
  queue.push_back(std::make_shared<int>(6));
  CHECK(shared.use_count() == 2);
  queue.pop_front();
  CHECK(shared.use_count() == 1);
  CHECK(*queue.front() == 6);
}
