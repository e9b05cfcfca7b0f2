#include "jetstream_writer.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

namespace {

using gw::cluster::JetStreamWriter;
using namespace std::chrono_literals;

bool wait_done(JetStreamWriter& writer, std::uint64_t since) {
  std::promise<bool> written;
  writer.when_done(since, [&](bool ok) { written.set_value(ok); });
  auto future = written.get_future();
  REQUIRE(future.wait_for(10s) == std::future_status::ready);
  return future.get();
}

TEST_CASE("writer: writes in order, and says when they are done and whether all were written",
          "[cluster]") {
  std::atomic<bool> can_write{true};
  JetStreamWriter writer(4, [&] { return can_write.load(); });
  std::vector<int> order;
  const auto start = writer.position();
  for (int i = 0; i < 3; ++i)
    writer.submit([&order, i] {
      order.push_back(i);
      return true;
    });
  CHECK(wait_done(writer, start));
  CHECK(order == std::vector<int>{0, 1, 2});

  const auto before_failure = writer.position();
  writer.submit([] { return false; });
  const auto after_failure = writer.position();
  writer.submit([] { return true; });
  CHECK_FALSE(wait_done(writer, before_failure));
  CHECK(wait_done(writer, after_failure));  // a later range has no failure in it
}

TEST_CASE("writer: while it cannot write, writes wait in order; past its bound they are refused",
          "[cluster]") {
  std::atomic<bool> can_write{false};
  JetStreamWriter writer(2, [&] { return can_write.load(); });
  std::atomic<int> written{0};
  const auto start = writer.position();
  for (int i = 0; i < 3; ++i)  // the third is over the bound
    writer.submit([&] {
      ++written;
      return true;
    });
  std::this_thread::sleep_for(200ms);
  CHECK(written == 0);  // held
  can_write = true;
  CHECK_FALSE(wait_done(writer, start));  // the refused one counts as not written
  CHECK(written == 2);
  writer.stop();
}

}  // namespace
