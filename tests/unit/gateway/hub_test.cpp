#include <functional>
#include <variant>

#include <catch2/catch.hpp>

#include <gw/gateway/client_id.hpp>
#include <gw/gateway/hub.hpp>

#include "gateway_fixture.hpp"

namespace {

using gw::gateway::Hub;
using gw::test::RecordingSession;
using gw::transports::TransportKind;
using namespace std::chrono_literals;

std::shared_ptr<RecordingSession> session(TransportKind kind,
                                          std::string address = "192.0.2.7:4000") {
  return std::make_shared<RecordingSession>(kind, std::move(address));
}

gw::gateway::Delivery delivery(std::string text) {
  auto message = std::make_shared<gw::message::Message>();
  message->text = text;
  return {std::make_shared<const std::string>(std::move(text)), std::move(message)};
}

// The shared key's holders, as a hub without devices knows them.
std::shared_ptr<const gw::gateway::Identity> shared_key() {
  static const auto shared = Hub::shared_key_only()->shared();
  return shared;
}

// What waited for a resumed client, "encoded" as its text.
std::function<gw::transports::Frame(const gw::message::Message&)> encoded_as_text() {
  return [](const gw::message::Message& message) {
    return std::make_shared<const std::string>(message.text);
  };
}

}  // namespace

TEST_CASE("connections are clients for as long as they last", "[hub]") {
  Hub hub;
  auto ws = session(TransportKind::websocket);
  auto tcp = session(TransportKind::tcp);
  const auto a = hub.connect(ws);
  const auto b = hub.connect(tcp);
  CHECK(a->id() == "c" + std::to_string(ws->id()));
  CHECK(a->id() != b->id());
  CHECK(a->name() == a->id());
  CHECK(hub.find_connection(*ws) == a);
  CHECK(hub.find(a->id()) == a);
  CHECK(hub.count(TransportKind::websocket) == 1);
  hub.disconnect(*ws);
  CHECK_FALSE(hub.find_connection(*ws));
  CHECK_FALSE(hub.find(a->id()));
  CHECK(hub.everyone().size() == 1);
}

TEST_CASE("names are unique; a clash is 409, a bad name 400", "[hub]") {
  Hub hub;
  const auto a = hub.connect(session(TransportKind::websocket));
  const auto b = hub.connect(session(TransportKind::tcp));
  CHECK_FALSE(hub.rename(*a, "alice"));
  CHECK(a->name() == "alice");
  CHECK(hub.find("alice") == a);
  const auto clash = hub.rename(*b, "alice");
  REQUIRE(clash);
  CHECK(clash->code == 409);
  CHECK(clash->text == "the name 'alice' is taken by " + a->id());
  CHECK(hub.rename(*a, "alice") == std::nullopt);  // one's own name again
  CHECK(hub.rename(*b, "")->code == 400);
  CHECK(hub.rename(*b, std::string(65, 'x'))->code == 400);
  CHECK(hub.rename(*b, "bad\tname")->code == 400);
  CHECK(hub.rename(*b, a->id())->code == 400);  // shaped like (another's) client id
  CHECK(hub.rename(*b, "c12@floor2")->code == 400);
  CHECK(hub.rename(*b, "mqtt:3")->code == 400);  // an MQTT bridge's id
  CHECK_FALSE(hub.rename(*b, "lamp@floor2"));    // not shaped like one: a name
  CHECK_FALSE(hub.rename(*b, "c3po"));
  CHECK_FALSE(hub.rename(*b, b->id()));

  CHECK_FALSE(hub.rename(*a, "alicia"));  // the old name is free again
  CHECK_FALSE(hub.find("alice"));
  CHECK_FALSE(hub.rename(*b, "alice"));

  // The handshake never refuses a name: it takes the next free variant.
  const auto c = hub.connect(session(TransportKind::websocket));
  CHECK(hub.claim_name(*c, "alice") == "alice-2");
  const auto d = hub.connect(session(TransportKind::websocket));
  CHECK(hub.claim_name(*d, "alice") == "alice-3");
  CHECK(hub.claim_name(*d, "bad\nname") == "alice-3");
  hub.disconnect(*std::make_shared<RecordingSession>(TransportKind::websocket));  // unknown: no-op
}

TEST_CASE("client ids are told from names by their shape", "[hub]") {
  using gw::gateway::is_client_id_of;
  using gw::gateway::parse_client_id;
  const auto bridge = parse_client_id("mqtt:12@floor2");
  REQUIRE(bridge);
  CHECK((bridge->part == "mqtt" && bridge->number == 12 && bridge->node == "floor2"));
  const auto plain = parse_client_id("c7");
  REQUIRE(plain);
  CHECK((plain->part.empty() && plain->number == 7 && plain->node.empty()));
  for (const auto* name : {"c", "c7x", "cx7", "lamp", "Mqtt:3", ":3", "mqtt:", "c7 @b",
                           "c99999999999999999999999", "lamp@floor2"})
    CHECK_FALSE(parse_client_id(name));
  CHECK(is_client_id_of("c7@floor2", "floor2"));
  CHECK(is_client_id_of("mqtt:1@floor2", "floor2"));
  CHECK_FALSE(is_client_id_of("c7@floor2", "floor"));
  CHECK_FALSE(is_client_id_of("lamp@floor2", "floor2"));  // a name, which may move
  CHECK_FALSE(is_client_id_of("c7", ""));
}

TEST_CASE("HTTP and UDP sessions are found by token and expire when idle", "[hub]") {
  gw::gateway::SessionLimits limits;
  limits.session_idle = 300s;
  limits.max_sessions = 2;
  Hub hub(limits);
  const auto start = Hub::Clock::now();
  auto first = session(TransportKind::http);
  const auto http = hub.open_session(first, "token-1", shared_key());
  const auto udp =
      hub.open_session(session(TransportKind::udp, "192.0.2.9:1234"), "token-2", shared_key());
  REQUIRE(http);
  REQUIRE(udp);
  CHECK_FALSE(
      hub.open_session(session(TransportKind::http), "token-3", shared_key()));  // at the limit
  CHECK(hub.find_token("token-1") == http);
  CHECK(hub.find_by_address("192.0.2.9:1234") == udp);
  CHECK(http->id() == "c" + std::to_string(first->id()));

  // A UDP client that moves is followed: pushed messages go to its new address.
  auto moved = session(TransportKind::udp, "192.0.2.10:1234");
  hub.touch(udp, moved, start + 200s);
  CHECK(hub.find_by_address("192.0.2.10:1234") == udp);
  udp->deliver(delivery("to the new address"));
  CHECK(moved->count() == 1);

  hub.touch(http, session(TransportKind::http), start + 10s);
  hub.tick(start + 305s);  // http last seen at 10 s: still within 300 s
  CHECK(hub.find_token("token-1"));
  hub.tick(start + 311s);
  CHECK_FALSE(hub.find_token("token-1"));
  CHECK_FALSE(hub.find(http->id()));
  CHECK(hub.find_token("token-2"));  // seen at 200 s
  hub.tick(start + 501s);
  CHECK_FALSE(hub.find_token("token-2"));
  CHECK_FALSE(hub.find_by_address("192.0.2.10:1234"));
  CHECK(hub.open_session(session(TransportKind::http), "token-4", shared_key()));  // room again
}

TEST_CASE("subscribers are found by wildcard, each once", "[hub]") {
  Hub hub;
  const auto a = hub.connect(session(TransportKind::websocket));
  const auto b = hub.connect(session(TransportKind::tcp));
  CHECK(hub.subscribe(a, "home/+/temperature") == Hub::Subscribed::added);
  CHECK(hub.subscribe(a, "home/#") == Hub::Subscribed::added);
  CHECK(hub.subscribe(a, "home/#") == Hub::Subscribed::already);
  CHECK(hub.subscribe(b, "home/kitchen/temperature") == Hub::Subscribed::added);
  CHECK(hub.subscribers("home/kitchen/temperature").size() == 2);  // a once, b once
  CHECK(hub.subscribers("home/kitchen/humidity") == std::vector{a});
  CHECK(hub.subscribers("garden").empty());
  CHECK(hub.topics() == nlohmann::json::parse(R"([
      {"filter": "home/#", "subscribers": 1},
      {"filter": "home/+/temperature", "subscribers": 1},
      {"filter": "home/kitchen/temperature", "subscribers": 1}])"));
  CHECK(hub.unsubscribe(*a, "home/#"));
  CHECK_FALSE(hub.unsubscribe(*a, "home/#"));
  CHECK(hub.subscribers("home/kitchen/humidity").empty());
  hub.remove(b);  // ends its subscriptions with it
  CHECK(hub.subscribers("home/kitchen/temperature") == std::vector{a});
}

TEST_CASE("subscriptions per client are bounded", "[hub]") {
  gw::gateway::SessionLimits limits;
  limits.max_subscriptions = 2;
  Hub hub(limits);
  const auto a = hub.connect(session(TransportKind::websocket));
  CHECK(hub.subscribe(a, "x") == Hub::Subscribed::added);
  CHECK(hub.subscribe(a, "y") == Hub::Subscribed::added);
  CHECK(hub.subscribe(a, "z") == Hub::Subscribed::too_many);
  CHECK(a->subscriptions() == std::set<std::string>{"x", "y"});
}

TEST_CASE("an HTTP client's mailbox is bounded and a waiting poll gets the next message", "[hub]") {
  gw::gateway::SessionLimits limits;
  limits.mailbox_messages = 2;
  Hub hub(limits);
  const auto http = hub.open_session(session(TransportKind::http), "t", shared_key());
  CHECK(http->deliver(delivery("1")).dropped == 0);
  CHECK(http->deliver(delivery("2")).dropped == 0);
  CHECK(http->deliver(delivery("3")).dropped == 1);
  auto drained = http->poll(1 << 20, std::nullopt, std::nullopt);
  REQUIRE(drained);
  CHECK(drained->entries.size() == 2);
  CHECK(drained->lost == 1);

  std::vector<std::size_t> answered;
  const auto now = Hub::Clock::now();
  const auto waiter = [&](std::chrono::seconds wait) {
    return gw::gateway::PollWaiter{
        now + wait, 1 << 20, false,
        [&](gw::gateway::Mailbox::Drained d) { answered.push_back(d.entries.size()); }};
  };
  CHECK_FALSE(http->poll(1 << 20, std::nullopt, waiter(30s)));  // nothing yet: held
  CHECK(answered.empty());
  http->deliver(delivery("4"));
  CHECK(answered == std::vector<std::size_t>{1});  // answered as soon as it came

  CHECK_FALSE(http->poll(1 << 20, std::nullopt, waiter(5s)));
  hub.tick(now + 4s);
  CHECK(answered.size() == 1);
  hub.tick(now + 6s);  // the deadline: answered empty
  CHECK(answered == std::vector<std::size_t>{1, 0});

  CHECK_FALSE(http->poll(1 << 20, std::nullopt, waiter(5s)));
  hub.end_all_polls();  // stopping
  CHECK(answered == std::vector<std::size_t>{1, 0, 0});
}

TEST_CASE("a resumable connection is kept while away and resumed with what waited first",
          "[hub][resume]") {
  gw::gateway::SessionLimits limits;
  limits.session_idle = 300s;
  Hub hub(limits);
  auto first = session(TransportKind::websocket);
  const auto client = hub.connect(first);
  REQUIRE(hub.make_resumable(client, "resume-1"));
  CHECK(hub.subscribe(client, "home/#") == Hub::Subscribed::added);
  const auto plain = encoded_as_text();

  hub.disconnect(*first);  // lost, not a goodbye
  CHECK(client->away());
  CHECK(client->info()["away"] == true);
  CHECK(hub.find(client->id()) == client);
  const auto waiting = client->deliver(delivery("while away"));
  CHECK(waiting.stored);
  CHECK(hub.subscribers("home/kitchen").size() == 1);

  auto second = session(TransportKind::websocket);
  const auto opened_as = hub.connect(second);
  const auto outcome = hub.resume(second, "resume-1", plain, *shared_key());
  const auto* resumed = std::get_if<Hub::Resumed>(&outcome);
  REQUIRE(resumed);
  CHECK(resumed->client == client);
  CHECK(resumed->sent == 1);
  CHECK(second->frames() == std::vector<std::string>{"while away"});
  CHECK_FALSE(hub.find(opened_as->id()));  // the client it opened as is gone
  CHECK(hub.find_connection(*second) == client);
  CHECK_FALSE(client->away());
  client->deliver(delivery("live"));
  CHECK(second->frames().back() == "live");

  // A third connection takes it over while the second still looks open; the second is closed
  // and its end later changes nothing.
  auto third = session(TransportKind::websocket);
  hub.connect(third);
  REQUIRE(
      std::holds_alternative<Hub::Resumed>(hub.resume(third, "resume-1", plain, *shared_key())));
  CHECK(second->closed());
  hub.disconnect(*second);
  CHECK_FALSE(client->away());
  CHECK(hub.find_connection(*third) == client);

  // A goodbye ends it: its token resumes nothing.
  hub.disconnect(*third, true);
  CHECK_FALSE(hub.find(client->id()));
  auto fourth = session(TransportKind::websocket);
  hub.connect(fourth);
  const auto refused = hub.resume(fourth, "resume-1", plain, *shared_key());
  REQUIRE(std::holds_alternative<Hub::Refusal>(refused));
  CHECK(std::get<Hub::Refusal>(refused).code == 404);
}

TEST_CASE("a resumable client away past the idle time ends; one never resumable ends at once",
          "[hub][resume]") {
  gw::gateway::SessionLimits limits;
  limits.session_idle = 300s;
  limits.max_sessions = 1;
  Hub hub(limits);
  auto ws = session(TransportKind::websocket);
  const auto kept = hub.connect(ws);
  REQUIRE(hub.make_resumable(kept, "resume-1"));
  auto tcp = session(TransportKind::tcp);
  const auto plain = hub.connect(tcp);
  CHECK_FALSE(hub.make_resumable(plain, "resume-2"));  // at max_sessions
  const auto start = Hub::Clock::now();
  hub.disconnect(*ws);
  hub.disconnect(*tcp);
  CHECK_FALSE(hub.find(plain->id()));
  hub.tick(start + 200s);
  CHECK(hub.find(kept->id()) == kept);
  hub.tick(start + 400s);
  CHECK_FALSE(hub.find(kept->id()));
}
