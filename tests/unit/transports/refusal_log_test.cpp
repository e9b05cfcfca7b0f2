// The transports' log of refused connections: bounded however many come, and nothing refused
// goes unmentioned, even when the flood stops and no refusal comes after it.
#include "refusal_log.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

namespace {

using gw::transports::RefusalLog;
using namespace std::chrono_literals;

// The lines logged while it lives, through spdlog's default logger.
class LoggedLines {
 public:
  LoggedLines()
      : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000)),
        previous_(spdlog::default_logger()) {
    sink_->set_pattern("%v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink_));
  }
  ~LoggedLines() { spdlog::set_default_logger(previous_); }
  std::vector<std::string> lines() const {
    auto lines = sink_->last_formatted();
    for (auto& line : lines)
      if (line.ends_with('\n')) line.pop_back();
    return lines;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace

TEST_CASE("A refusal after a quiet spell is logged at once", "[refusal_log]") {
  LoggedLines logged;
  RefusalLog log("tcp", 10s);
  const auto start = RefusalLog::Clock::now();
  log.refused("192.0.2.7", "at the limit of 4 connections from one address", start);
  log.refused("192.0.2.8", "at the limit of 4 connections from one address", start + 11s);
  const auto lines = logged.lines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] ==
        "tcp: refused 192.0.2.7: at the limit of 4 connections from one address (further "
        "refusals are summed up every 10 s)");
  CHECK(lines[1].starts_with("tcp: refused 192.0.2.8:"));
}

TEST_CASE("A flood of refusals is one line, then one summary per interval", "[refusal_log]") {
  LoggedLines logged;
  RefusalLog log("http", 10s);
  const auto start = RefusalLog::Clock::now();
  for (int n = 0; n < 10000; ++n)  // 10,000 refusals over 25 s
    log.refused("192.0.2.7", "at the limit of 1024 connections", start + n * 2500us);
  // Within the flood: the first refusal, then a summary (with a refusal) every 10 s.
  auto lines = logged.lines();
  REQUIRE(lines.size() == 5);
  CHECK(lines[1] ==
        "http: refused 3999 more connections in the last 10 s (the last from "
        "192.0.2.7: at the limit of 1024 connections)");
  // The flood ends; what it refused since the last line is written by the listener's flush,
  // once the interval has passed, and once only.
  log.flush(start + 25s);
  CHECK(logged.lines().size() == 5);
  log.flush(start + 31s);
  lines = logged.lines();
  REQUIRE(lines.size() == 6);
  CHECK(lines[5].starts_with("http: refused 1999 more connections in the last 10 s"));
  log.flush(start + 50s);
  CHECK(logged.lines().size() == 6);
}

TEST_CASE("A flush with nothing unlogged writes nothing", "[refusal_log]") {
  LoggedLines logged;
  RefusalLog log("websocket", 10s);
  const auto start = RefusalLog::Clock::now();
  log.flush(start);
  log.refused("192.0.2.7", "at the limit of 4 connections from one address", start);
  log.flush(start + 20s);
  CHECK(logged.lines().size() == 1);
}
