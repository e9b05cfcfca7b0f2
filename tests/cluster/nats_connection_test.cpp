#include "nats_connection.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

namespace {

using gw::cluster::NatsConnection;
using namespace std::chrono_literals;

// Long past anything on loopback: waits end early when what they wait for happens.
constexpr auto patience = 10s;

std::string nats_url() {
  const char* url = std::getenv("GW_TEST_NATS_URL");
  return url ? url : "";
}

NatsConnection connected(const std::string& name) {
  NatsConnection::Options options;
  options.servers = {nats_url()};
  options.name = name;
  return NatsConnection(std::move(options));
}

void wait_connected(const NatsConnection& nats) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (!nats.connected() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  REQUIRE(nats.connected());
}

// What handlers on the library's threads report to the test's thread.
class Tally {
 public:
  void add() {
    std::lock_guard lock(mutex_);
    ++count_;
    changed_.notify_all();
  }
  bool reaches(int wanted) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, patience, [&] { return count_ >= wanted; });
  }
  int count() {
    std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int count_ = 0;
};

}  // namespace

TEST_CASE("a drained subscription still hands its handler what the server sent it before",
          "[nats]") {
  REQUIRE_FALSE(nats_url().empty());  // run by with_nats_server.py
  auto subscriber = connected("drain test: subscriber");
  auto publisher = connected("drain test: publisher");
  wait_connected(subscriber);
  wait_connected(publisher);

  // The first message on "held" blocks its handler until released, so that the next ones wait
  // in the library's queue: sent by the server, not yet handled, as a request another gateway
  // made a moment before a client left.
  Tally held;
  Tally entered;
  Tally released;
  const auto held_id = subscriber.subscribe("gw.test.held", [&](const NatsConnection::Incoming&) {
    entered.add();
    if (entered.count() == 1) released.reaches(1);
    held.add();
  });
  // The server keeps each connection's messages in order: once the marker, sent after them on
  // the same connection, is handled (on the pool's other thread), the held ones are queued.
  Tally markers;
  subscriber.subscribe("gw.test.marker", [&](const NatsConnection::Incoming&) { markers.add(); });
  REQUIRE(held_id != 0);
  subscriber.flush();

  for (int i = 0; i < 3; ++i)
    REQUIRE(publisher.publish("gw.test.held", "request"));
  REQUIRE(publisher.publish("gw.test.marker", "after the requests"));
  publisher.flush();
  REQUIRE(entered.reaches(1));
  REQUIRE(markers.reaches(1));

  subscriber.drain(held_id);
  released.add();
  CHECK(held.reaches(3));  // a plain unsubscribe would have dropped the two queued

  // Nothing sent once the server has the unsubscribe (a flush's round trip after it) reaches
  // the handler.
  subscriber.flush();
  REQUIRE(publisher.publish("gw.test.held", "too late"));
  REQUIRE(publisher.publish("gw.test.marker", "after it"));
  publisher.flush();
  REQUIRE(markers.reaches(2));
  CHECK(held.count() == 3);
}
