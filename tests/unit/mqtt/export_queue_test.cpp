#include "export_queue.hpp"

#include <atomic>
#include <string_view>
#include <thread>

#include <catch2/catch.hpp>

using gw::mqtt::ExportQueue;
using namespace std::chrono_literals;

namespace {
gw::transports::Frame numbered(int n) {
  return std::make_shared<const std::string>(std::to_string(n));
}
const auto always = [] { return true; };
}  // namespace

TEST_CASE("the export queue keeps the newest within its bound and counts the dropped", "[mqtt]") {
  ExportQueue queue(3);
  for (int n = 0; n < 5; ++n)
    queue.push(numbered(n));
  CHECK(queue.size() == 3);
  CHECK(queue.dropped() == 2);
  CHECK(**queue.take(0ms, always) == "2");
  // Put back first in line; when full, the newest goes instead.
  queue.put_back(numbered(2));
  queue.put_back(numbered(1));
  CHECK(queue.dropped() == 3);
  CHECK(**queue.take(0ms, always) == "1");
  CHECK(**queue.take(0ms, always) == "2");
  CHECK(**queue.take(0ms, always) == "3");
  CHECK_FALSE(queue.take(0ms, always));
}

TEST_CASE("the export queue gives nothing until the broker can take it", "[mqtt]") {
  ExportQueue queue(10);
  queue.push(numbered(1));
  std::atomic<bool> ready{false};
  CHECK_FALSE(queue.take(20ms, [&] { return ready.load(); }));
  std::thread waker([&] {
    std::this_thread::sleep_for(20ms);
    ready = true;
    queue.wake();
  });
  const auto taken = queue.take(5s, [&] { return ready.load(); });
  waker.join();
  REQUIRE(taken);
  CHECK(**taken == "1");
  queue.push(numbered(2));
  queue.close();
  CHECK_FALSE(queue.take(5s, always));  // closed: nothing more, and no wait
}
