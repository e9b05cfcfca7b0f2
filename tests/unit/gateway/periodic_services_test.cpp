#include <chrono>
#include <functional>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include <gw/gateway/periodic_services.hpp>

using gw::gateway::PeriodicServices;
using namespace std::chrono_literals;

namespace {

// A worker pool that keeps the jobs, for the test to run when it likes.
struct HeldJobs {
  std::vector<std::function<void()>> jobs;
  PeriodicServices::Submit submit() {
    return [this](std::function<void()> job) {
      jobs.push_back(std::move(job));
      return true;
    };
  }
  void run_all() {
    auto now = std::move(jobs);
    jobs.clear();
    for (auto& job : now)
      job();
  }
  // Ten ticks 20 ms apart, each followed by the jobs it started.
  void tick_ten_times(PeriodicServices& services) {
    auto now = PeriodicServices::Clock::now();
    for (int i = 0; i < 10; ++i) {
      now += 20ms;
      services.tick(now, submit());
      run_all();
    }
  }
};

}  // namespace

TEST_CASE("a periodic service runs once each interval, never twice at once", "[periodic]") {
  PeriodicServices services;
  int runs = 0;
  services.every("count", 100ms, [&] { ++runs; });
  HeldJobs pool;
  const auto start = PeriodicServices::Clock::now();
  services.tick(start, pool.submit());
  CHECK(pool.jobs.empty());  // not yet due
  services.tick(start + 150ms, pool.submit());
  CHECK(pool.jobs.size() == 1);
  services.tick(start + 300ms, pool.submit());  // still running: not started again
  CHECK(pool.jobs.size() == 1);
  pool.run_all();
  CHECK(runs == 1);
  services.tick(start + 300ms, pool.submit());
  CHECK(pool.jobs.size() == 1);
  pool.run_all();
  CHECK(runs == 2);
  CHECK(services.list()[0]["runs"] == 2);
}

TEST_CASE("a periodic service that keeps failing is disabled, and says why", "[periodic]") {
  PeriodicServices services;
  int tries = 0;
  services.every("flaky", 10ms, [&] {
    ++tries;
    throw std::runtime_error("sensor unplugged");
  });
  HeldJobs().tick_ten_times(services);
  CHECK(tries == PeriodicServices::max_failures);
  const auto entry = services.list()[0];
  CHECK(entry["disabled"] == true);
  CHECK(entry["failures"] == PeriodicServices::max_failures);
  CHECK(entry["last_error"] == "sensor unplugged");
}

TEST_CASE("a success between failures starts the count again", "[periodic]") {
  PeriodicServices services;
  int tries = 0;
  services.every("sometimes", 10ms, [&] {
    if (++tries % 2 == 1) throw std::runtime_error("odd");
  });
  HeldJobs().tick_ten_times(services);
  CHECK(tries == 10);
  CHECK(services.list()[0]["disabled"] == false);
}

TEST_CASE("a full pool puts the run off to the next tick", "[periodic]") {
  PeriodicServices services;
  int runs = 0;
  services.every("later", 10ms, [&] { ++runs; });
  const auto now = PeriodicServices::Clock::now() + 20ms;
  services.tick(now, [](std::function<void()>) { return false; });
  HeldJobs pool;
  services.tick(now, pool.submit());  // not marked running by the refused submit
  pool.run_all();
  CHECK(runs == 1);
}
