#include <atomic>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "admission/auth_throttle.hpp"
#include "gateway_fixture.hpp"

namespace {

using gw::message::Message;
using gw::test::command;
using gw::test::RecordingSession;
using gw::transports::TransportKind;
using Fixture = gw::test::GatewayFixture;

struct Messaging : Fixture {
  // An HTTP client with a session; returns its token.
  std::string http_session(const std::shared_ptr<RecordingSession>& http, std::string name) {
    auto hello = command("handshake");
    hello.user_id = std::move(name);
    return request(http, hello).data.parse()["session"]["token"];
  }
  Message with_token(Message m, const std::string& token) {
    m.token = token;
    return m;
  }
};

}  // namespace

TEST_CASE_METHOD(Messaging, "a direct message waits in an HTTP client's mailbox for poll",
                 "[messaging]") {
  auto http = std::make_shared<RecordingSession>(TransportKind::http);
  const auto token = http_session(http, "printer");
  auto ws = connect(TransportKind::websocket);
  CHECK(request(ws, with_token(command("rename", "alice"), "")).text == "you are now alice");

  auto dm = command("send", "", "m1");
  dm.to = "printer";
  dm.text = "print this";
  const auto ack = request(ws, dm);
  CHECK(ack.code == 200);
  CHECK(ack.id == "m1");
  CHECK_THAT(ack.text, Catch::EndsWith("(printer)"));

  const auto polled = request(http, with_token(command("poll"), token));
  REQUIRE(polled.data.parse()["messages"].size() == 1);
  const auto got = polled.data.parse()["messages"][0];
  CHECK(got["text"] == "print this");
  CHECK(got["from"] == "c" + std::to_string(ws->id()));
  CHECK(got["userID"] == "alice");
  CHECK(got["id"] == "m1");
  CHECK_FALSE(got.contains("token"));
  CHECK(polled.data.parse()["lost"] == 0);

  dm.to = "nobody";
  CHECK(request(ws, dm).code == 404);
}

TEST_CASE_METHOD(Messaging, "a long poll is answered when a message comes, or at its deadline",
                 "[messaging]") {
  auto http = std::make_shared<RecordingSession>(TransportKind::http);
  const auto session_token = http_session(http, "waiter");
  const auto before = http->count();
  handler.on_frame(http, token(with_token(command("poll", "wait=30", "p1"), session_token)));
  CHECK(http->count() == before);  // held

  auto tcp = connect(TransportKind::tcp);
  auto dm = command("send");
  dm.to = "waiter";
  dm.text = "wake up";
  request(tcp, dm);
  REQUIRE(http->count() == before + 1);
  const auto woken = last(http);
  CHECK(woken.id == "p1");
  CHECK(woken.data.parse()["messages"][0]["text"] == "wake up");

  handler.on_frame(http, token(with_token(command("poll", "wait=2", "p2"), session_token)));
  gateway.tick(std::chrono::steady_clock::now() + std::chrono::seconds(3));
  REQUIRE(http->count() == before + 2);
  CHECK(last(http).data.parse()["messages"].empty());
  CHECK(last(http).id == "p2");

  CHECK(request(http, with_token(command("poll", "wait=soon"), session_token)).code == 400);
}

TEST_CASE_METHOD(Messaging, "a full mailbox reports the loss on the next poll", "[messaging]") {
  auto http = std::make_shared<RecordingSession>(TransportKind::http);
  const auto token = http_session(http, "slow");
  auto ws = connect(TransportKind::websocket);
  for (int i = 0; i < 7; ++i) {  // the fixture's mailbox holds 4
    auto dm = command("send");
    dm.to = "slow";
    dm.text = std::to_string(i);
    request(ws, dm);
  }
  const auto polled = request(http, with_token(command("poll"), token));
  CHECK(polled.data.parse()["lost"] == 3);
  CHECK(polled.data.parse()["messages"][0]["text"] == "3");
  CHECK_THAT(polled.text, Catch::Contains("3 older ones were lost"));
  CHECK(gateway.metrics().mailbox_drops() == 3);
}

TEST_CASE_METHOD(Messaging, "publish reaches wildcard subscribers on every transport",
                 "[messaging]") {
  auto tcp = connect(TransportKind::tcp);
  auto ws = connect(TransportKind::websocket);
  CHECK(request(tcp, command("subscribe", "home/+/temperature")).text ==
        "subscribed to home/+/temperature");
  auto by_topic = command("subscribe");
  by_topic.topic = "home/#";
  CHECK(request(ws, by_topic).code == 200);
  CHECK(request(ws, command("subscribe", "a/#/b")).code == 400);

  auto udp = std::make_shared<RecordingSession>(TransportKind::udp, "192.0.2.50:9999");
  auto reading = command("publish", "", "r1");
  reading.topic = "home/kitchen/temperature";
  reading.data = nlohmann::json{{"celsius", 21.5}};
  const auto ack = request(udp, reading);  // a UDP device without a session
  CHECK(ack.data.parse()["delivered"] == 2);
  const auto at_tcp = last(tcp);
  CHECK(at_tcp.topic == "home/kitchen/temperature");
  CHECK(at_tcp.data.parse()["celsius"] == 21.5);
  CHECK(at_tcp.from == "anonymous");
  CHECK(tcp->frames().back() == ws->frames().back());

  reading.topic = "home/+/x";
  CHECK(request(udp, reading).code == 400);  // no wildcards in a published topic
  CHECK(request(ws, command("topics")).data.parse().size() == 2);
  CHECK(request(ws, command("unsubscribe", "home/#")).code == 200);
  CHECK(request(ws, command("unsubscribe", "home/#")).code == 404);
}

TEST_CASE_METHOD(Messaging, "typed commands run as the command", "[messaging]") {
  auto ws = connect(TransportKind::websocket);
  auto typed = command("");
  typed.text = "/rename bob";
  CHECK(request(ws, typed).text == "you are now bob");
  typed.text = "s.whoami()";
  const auto me = request(ws, typed);
  CHECK(me.cmd == "whoami");
  CHECK(me.data.parse()["name"] == "bob");
  CHECK(me.data.parse()["transport"] == "websocket");
}

TEST_CASE_METHOD(Messaging, "session commands without a session are 401", "[messaging]") {
  auto http = std::make_shared<RecordingSession>(TransportKind::http);
  CHECK(request(http, command("poll")).code == 401);
  CHECK(request(http, command("kick", "c1")).code == 401);
  CHECK(request(http, with_token(command("whoami"), "no-such-token")).code == 401);
  CHECK(request(http, command("ping")).code == 200);  // the original clients need no session
  // An expired token can start over with a handshake.
  CHECK(request(http, with_token(command("handshake"), "no-such-token")).code == 200);
}

TEST_CASE_METHOD(Messaging, "kick, shutdown and reload need admin permission", "[messaging]") {
  bool shut_down = false;
  gateway.control().shutdown = [&] { shut_down = true; };
  gateway.control().reload = [] { return std::string("reloaded 1 key"); };
  auto admin = connect(TransportKind::websocket);
  auto victim = connect(TransportKind::tcp);
  const auto victim_id = "c" + std::to_string(victim->id());
  for (const auto* name : {"kick", "shutdown", "reload"}) {
    const auto refused = request(admin, command(name, victim_id));
    CHECK(refused.code == 403);
    CHECK(refused.text ==
          "'" + std::string(name) + "' needs admin permission; send auth with the admin key first");
  }
  CHECK(request(admin, command("auth", "wrong key")).code == 403);
  CHECK(request(admin, command("auth", gw::test::test_admin_key)).code == 200);
  CHECK(request(admin, command("whoami")).data.parse()["permission"] == "admin");

  CHECK(request(admin, command("kick", victim_id)).code == 200);
  CHECK(victim->closed());
  CHECK(decoded(victim->frames().back()).cmd == "kick");  // told why
  CHECK(request(admin, command("kick", victim_id)).code == 404);
  CHECK(request(admin, command("reload")).text == "reloaded 1 key");  // on a worker thread
  CHECK(request(admin, command("shutdown")).text == "shutting down");
  CHECK(shut_down);
}

TEST_CASE_METHOD(Messaging, "repeated wrong admin keys are slowed down with 429", "[messaging]") {
  auto guesser = connect(TransportKind::websocket);
  for (unsigned i = 0; i <= gw::gateway::AuthThrottle::free_failures; ++i)
    CHECK(request(guesser, command("auth", "guess" + std::to_string(i))).code == 403);
  const auto slowed = request(guesser, command("auth", gw::test::test_admin_key));
  CHECK(slowed.code == 429);  // even the right key waits: the host must slow down
  CHECK_THAT(slowed.text, Catch::StartsWith("too many wrong admin keys from 192.0.2.7"));
}

TEST_CASE_METHOD(Messaging, "a blocking command runs off the calling thread", "[messaging]") {
  std::atomic<std::thread::id> ran_on{};
  gateway.commands().add({"slow", "Blocks", gw::gateway::Permission::user,
                          [&](const gw::gateway::CommandContext&) -> std::optional<Message> {
                            ran_on = std::this_thread::get_id();
                            Message done;
                            done.text = "done";
                            return done;
                          },
                          false, true});
  auto ws = connect(TransportKind::websocket);
  CHECK(request(ws, command("slow")).text == "done");
  CHECK(ran_on.load() != std::this_thread::get_id());
}

TEST_CASE_METHOD(Messaging, "get reads the built-in and the operator's requestables",
                 "[messaging]") {
  auto ws = connect(TransportKind::websocket);
  CHECK(request(ws, command("get", "version")).data.parse()["version"] == "9.9.9");
  CHECK(request(ws, command("get", "time")).data.parse().contains("unix_time"));
  CHECK(request(ws, command("get", "stats")).data.parse()["clients"]["websocket"] == 1);
  gateway.requestables().add_value("room", "Where this gateway is", "kitchen");
  int asked = 0;
  gateway.requestables().add("counter", "Counts", [&] { return ++asked; });
  CHECK(request(ws, command("get", "room")).data.parse() == "kitchen");
  CHECK(request(ws, command("get", "counter")).data.parse() == 1);
  CHECK(request(ws, command("get", "counter")).data.parse() == 2);
  CHECK(request(ws, command("get", "nothing")).code == 404);
  std::vector<std::string> names;
  for (const auto& entry : request(ws, command("get")).data.parse())
    names.push_back(entry["name"]);
  CHECK(names == std::vector<std::string>{"counter", "periodic", "room", "stats", "tables", "time",
                                          "version"});
}

TEST_CASE_METHOD(Messaging, "ask relays a command to a client and its reply back, or times out",
                 "[messaging]") {
  auto asker = connect(TransportKind::tcp);
  auto device = connect(TransportKind::websocket);
  request(device, command("rename", "lamp"));
  const auto before = asker->count();
  handler.on_frame(asker, token(command("ask", "lamp status verbose", "a1")));
  CHECK(asker->count() == before);  // waiting for the lamp
  const auto asked = last(device);
  CHECK(asked.cmd == "status");
  CHECK(asked.args == "verbose");
  CHECK(asked.id.starts_with("gw-"));

  auto answer = command("status");
  answer.id = asked.id;
  answer.text = "on";
  answer.data = nlohmann::json{{"watts", 9}};
  handler.on_frame(device, token(answer));
  REQUIRE(asker->count() == before + 1);
  const auto relayed = last(asker);
  CHECK(relayed.id == "a1");
  CHECK(relayed.text == "on");
  CHECK(relayed.data.parse()["data"]["watts"] == 9);

  handler.on_frame(asker, token(command("ask", "lamp status", "a2")));
  gateway.tick(std::chrono::steady_clock::now() + std::chrono::seconds(11));
  REQUIRE(asker->count() == before + 2);
  CHECK(last(asker).code == 504);
  CHECK(last(asker).id == "a2");
  CHECK(request(asker, command("ask", "nobody status")).code == 404);
}

TEST_CASE_METHOD(Messaging, "a retained message is sent first to each later subscriber",
                 "[messaging][retain]") {
  auto sensor = connect(TransportKind::tcp);
  auto reading = gw::test::addressed("publish", "", "home/kitchen/temp", "21.5");
  reading.retain = true;
  const auto published = request(sensor, reading);
  CHECK(published.code == 200);
  CHECK(published.data.parse()["retained"] == true);
  CHECK(published.data.parse()["delivered"] == 0);
  reading.text = "22.0";  // replaces the first
  request(sensor, reading);
  auto other = gw::test::addressed("publish", "", "home/hall/temp", "19.0");
  other.retain = true;
  request(sensor, other);
  request(sensor, gw::test::addressed("publish", "", "home/hall/door", "open"));  // not retained

  auto console = connect(TransportKind::websocket);
  const auto before = console->count();
  const auto subscribed = request(console, gw::test::addressed("subscribe", "", "home/+/temp", ""));
  CHECK(subscribed.data.parse()["retained"] == 2);
  const auto frames = console->frames();
  REQUIRE(frames.size() == before + 3);  // two retained messages, then the reply
  std::set<std::string> texts;
  for (std::size_t i = before; i < before + 2; ++i) {
    const auto got = decoded(frames[i]);
    CHECK(got.retain);
    texts.insert(got.text);
  }
  CHECK(texts == std::set<std::string>{"22.0", "19.0"});

  // Live messages are not marked, even when published with retain.
  reading.text = "22.5";
  request(sensor, reading);
  CHECK_FALSE(last(console).retain);
  CHECK(last(console).text == "22.5");

  // An empty retained publish clears it, and is delivered to nobody.
  auto clear = gw::test::addressed("publish", "", "home/kitchen/temp", "");
  clear.retain = true;
  const auto count = console->count();
  CHECK(request(sensor, clear).text == "cleared the retained message of home/kitchen/temp");
  CHECK(console->count() == count);
  auto late = connect(TransportKind::websocket);
  CHECK(
      request(late, gw::test::addressed("subscribe", "", "home/#", "")).data.parse()["retained"] ==
      1);
}

TEST_CASE("retain must be true or false", "[message][retain]") {
  const auto parsed = gw::message::Message::from_json(R"({"cmd":"publish","retain":"yes"})");
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().text == "field \"retain\" must be true or false");
  const auto kept = gw::message::Message::from_json(R"({"cmd":"publish","retain":true})");
  REQUIRE(kept);
  CHECK(kept->retain);
  CHECK(kept->to_object()["retain"] == true);
  CHECK_FALSE(gw::message::Message{}.to_object().contains("retain"));
}
