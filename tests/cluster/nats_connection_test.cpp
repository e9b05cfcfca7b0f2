#include "nats_connection.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "nats_test_support.hpp"

namespace {

using gw::cluster::NatsConnection;
using namespace std::chrono_literals;

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
    return changed_.wait_for(lock, gw::test::nats_patience, [&] { return count_ >= wanted; });
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
  auto subscriber_connection = gw::test::nats_connection("drain test: subscriber");
  auto publisher_connection = gw::test::nats_connection("drain test: publisher");
  auto& subscriber = *subscriber_connection;
  auto& publisher = *publisher_connection;
  gw::test::wait_connected(subscriber);
  gw::test::wait_connected(publisher);

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
