// The client library against the real gatewayd, on every transport.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <gw/client/client.hpp>
#include <gw/client/find_gateway.hpp>
#include <gw/message/fernet.hpp>

#include "gateway_process.hpp"

using namespace std::chrono_literals;
using gw::client::Client;
using gw::client::ClientError;
using gw::client::ClientOptions;
using gw::client::ErrorKind;
using gw::message::Message;

namespace {

// Messages handed over by the client's thread, waited for with a bound.
class Inbox {
 public:
  void add(const Message& message) {
    std::lock_guard lock(mutex_);
    messages_.push_back(message);
    arrived_.notify_all();
  }
  // The first message whose text is `text`, waiting up to `limit`.
  std::optional<Message> wait_for_text(const std::string& text, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    std::optional<Message> found;
    arrived_.wait_for(lock, limit, [&] {
      for (const auto& message : messages_)
        if (message.text == text) found = message;
      return found.has_value();
    });
    return found;
  }
  // The texts of what arrived once `count` have (or `limit` has passed), in order.
  std::vector<std::string> texts_after(std::size_t count, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, limit, [&] { return messages_.size() >= count; });
    std::vector<std::string> texts;
    for (const auto& message : messages_)
      texts.push_back(message.text);
    return texts;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Message> messages_;
};

// Whether the client says it is connected within `limit`: messages kept for a resumed session
// reach the handlers before the resume reply, so the state may lag them a little.
bool connected_within(const Client& client, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (client.state() != gw::client::ConnectionState::connected &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  return client.state() == gw::client::ConnectionState::connected;
}

ClientOptions quick_options(const std::string& name) {
  ClientOptions options;
  options.name = name;
  options.timeout = 3s;
  options.keepalive = 300ms;  // notices a restarted gateway soon, on UDP too
  options.reconnect_first = 50ms;
  options.reconnect_last = 500ms;
  options.poll_wait = 2s;
  return options;
}

const char* const all_schemes[] = {"http", "ws", "udp", "tcp"};

}  // namespace

TEST_CASE("request and reply on every transport", "[client]") {
  gw::test::GatewayProcess gateway;
  gateway.start();
  for (const std::string scheme : all_schemes) {
    SECTION(scheme) {
      auto client = Client::connect(gateway.url(scheme), gateway.keys(), quick_options("tester"));
      CHECK(client.state() == gw::client::ConnectionState::connected);
      const auto info = client.gateway();
      CHECK(info.name == "test-gateway");
      CHECK(info.session_name == "tester");
      CHECK(std::abs(info.clock_offset) < 5);

      const auto pong = client.ping();
      CHECK(pong.code == 200);
      CHECK(pong.text == "pong");

      Message whoami;
      whoami.cmd = "whoami";
      whoami.id = "my-own-id";
      const auto me = client.request(whoami);
      CHECK(me.id == "my-own-id");
      CHECK(me.data.parse().value("transport", "") == (scheme == "ws" ? "websocket" : scheme));
      CHECK(me.data.parse().value("name", "") == "tester");

      Message unknown;
      unknown.cmd = "no-such-command";
      CHECK(client.request(unknown).code == 404);
    }
  }
}

TEST_CASE("subscribe receives publications from every transport", "[client]") {
  gw::test::GatewayProcess gateway;
  gateway.start();
  for (const std::string scheme : all_schemes) {
    SECTION(scheme) {
      auto listener =
          Client::connect(gateway.url(scheme), gateway.keys(), quick_options("listener"));
      Inbox inbox;
      const auto subscribed =
          listener.subscribe("home/+/temperature", [&](const Message& m) { inbox.add(m); });
      REQUIRE(subscribed.code == 200);
      for (const std::string sender_scheme : all_schemes) {
        auto sender =
            Client::connect(gateway.url(sender_scheme), gateway.keys(), quick_options("sensor"));
        const auto text = "from " + sender_scheme;
        const auto reply = sender.publish("home/kitchen/temperature", text, {{"celsius", 21.5}});
        CHECK(reply.code == 200);
        CHECK(reply.data.parse().value("delivered", 0) == 1);
        const auto received = inbox.wait_for_text(text, 5s);
        REQUIRE(received);
        CHECK(received->topic == "home/kitchen/temperature");
        CHECK(received->data.parse().value("celsius", 0.0) == 21.5);
      }
      // Not matched by the filter: the handler is not called.
      auto sender = Client::connect(gateway.url("http"), gateway.keys(), quick_options("other"));
      CHECK(sender.publish("home/kitchen/humidity", "not for us")
                .data.parse()
                .value("delivered", -1) == 0);
    }
  }
}

TEST_CASE("direct messages reach on_message", "[client]") {
  gw::test::GatewayProcess gateway;
  gateway.start();
  for (const std::string scheme : all_schemes) {
    SECTION(scheme) {
      auto receiver =
          Client::connect(gateway.url(scheme), gateway.keys(), quick_options("printer"));
      Inbox inbox;
      receiver.on_message([&](const Message& m) { inbox.add(m); });
      auto sender = Client::connect(gateway.url("tcp"), gateway.keys(), quick_options("alice"));
      Message send;
      send.cmd = "send";
      send.to = "printer";
      send.text = "print this";
      CHECK(sender.request(send).code == 200);
      const auto received = inbox.wait_for_text("print this", 5s);
      REQUIRE(received);
      CHECK(received->user_id == "alice");
    }
  }
}

TEST_CASE("a service provided with the library answers callers, and again after a restart",
          "[client]") {
  gw::test::GatewayProcess gateway;
  gateway.start();
  for (const std::string scheme : {"ws", "tcp", "udp"}) {
    SECTION(scheme) {
      auto options = quick_options("doubler");
      options.offers = {{"commands", {"ping"}}};
      auto provider = Client::connect(gateway.url(scheme), gateway.keys(), options);
      const auto provided = provider.provide("double", [](const Message& call) {
        Message answer;
        answer.text = "doubled";
        answer.data = nlohmann::json{{"n", call.data.parse().value("n", 0) * 2}};
        return std::optional<Message>(std::move(answer));
      });
      REQUIRE(provided.code == 200);
      // A failing handler is a 500 for its caller; one that answers later answers from any
      // thread.
      REQUIRE(provider
                  .provide("fail",
                           [](const Message&) -> std::optional<Message> {
                             throw std::runtime_error("no such thing");
                           })
                  .code == 200);
      std::vector<std::thread> later;
      REQUIRE(provider
                  .provide("later",
                           [&](const Message& call) {
                             later.emplace_back([&provider, call] {
                               Message answer;
                               answer.text = "answered later";
                               provider.answer(call, std::move(answer));
                             });
                             return std::optional<Message>();
                           })
                  .code == 200);
      auto caller = Client::connect(gateway.url("http"), gateway.keys(), quick_options("caller"));
      const auto call = [&](const std::string& name) {
        Message request;
        request.cmd = name;
        request.data = nlohmann::json{{"n", 21}};
        return caller.request(request);
      };
      auto reply = call("double");
      CHECK(reply.code == 200);
      CHECK(reply.text == "doubled");
      CHECK(reply.data.parse() == nlohmann::json{{"n", 42}});
      reply = call("fail");
      CHECK(reply.code == 500);
      CHECK(reply.text == "the service failed: no such thing");
      CHECK(call("later").text == "answered later");
      for (auto& thread : later)
        thread.join();
      later.clear();

      // The gateway forgets a provider whose connection ended: the library provides again.
      gateway.restart();
      bool answered = false;
      for (int attempt = 0; attempt < 100 && !answered; ++attempt) {
        auto again = Client::connect(gateway.url("http"), gateway.keys(), quick_options("again"));
        Message request;
        request.cmd = "double";
        request.data = nlohmann::json{{"n", attempt}};
        answered = again.request(request).code == 200;
        if (!answered) std::this_thread::sleep_for(50ms);
      }
      CHECK(answered);
      CHECK(provider.unprovide("double").code == 200);
      CHECK(call("double").code == 404);
    }
  }
}

TEST_CASE("the gateway's ping service measures a library client that offers ping", "[client]") {
  gw::test::GatewayProcess gateway("[sessions]\nping_every = 1\n");
  gateway.start();
  auto options = quick_options("measured");
  options.offers = {{"commands", {"ping"}}};
  auto measured = Client::connect(gateway.url("ws"), gateway.keys(), options);
  auto silent = Client::connect(gateway.url("tcp"), gateway.keys(), quick_options("silent"));
  nlohmann::json entries;
  for (int attempt = 0; attempt < 100; ++attempt) {
    Message clients;
    clients.cmd = "clients";
    entries = silent.request(clients).data.parse();
    const auto found = std::find_if(entries.begin(), entries.end(), [](const auto& entry) {
      return entry.value("name", "") == "measured" && entry.contains("rtt_ms");
    });
    if (found != entries.end()) break;
    std::this_thread::sleep_for(100ms);
  }
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& entry : entries)
    by_name[entry.value("name", "")] = entry;
  CHECK(by_name["measured"].contains("rtt_ms"));
  CHECK_FALSE(by_name["silent"].contains("rtt_ms"));  // offers nothing, so is not pinged
}

TEST_CASE("after the gateway restarts, subscriptions are restored", "[client]") {
  gw::test::GatewayProcess gateway;
  gateway.start();
  for (const std::string scheme : all_schemes) {
    SECTION(scheme) {
      auto listener =
          Client::connect(gateway.url(scheme), gateway.keys(), quick_options("listener"));
      Inbox inbox;
      REQUIRE(listener.subscribe("alerts/#", [&](const Message& m) { inbox.add(m); }).code == 200);
      gateway.restart();
      // Published until the listener is back (bounded): it reconnects or, on HTTP and UDP, makes a
      // new session, and subscribes again by itself.
      bool received = false;
      for (int attempt = 0; attempt < 100 && !received; ++attempt) {
        auto sender = Client::connect(gateway.url("http"), gateway.keys(), quick_options("door"));
        const auto text = "open " + std::to_string(attempt);
        sender.publish("alerts/door", text);
        received = inbox.wait_for_text(text, 200ms).has_value();
      }
      CHECK(received);
      CHECK(connected_within(listener, 5s));
      CHECK(listener.ping().code == 200);
    }
  }
}

TEST_CASE("a WebSocket or TCP client resumes its session and misses nothing meanwhile",
          "[client]") {
  gw::test::GatewayProcess gateway;
  gateway.start();
  for (const std::string scheme : {"ws", "tcp"}) {
    SECTION(scheme) {
      auto listener =
          Client::connect(gateway.url(scheme), gateway.keys(), quick_options("listener"));
      const auto id = listener.gateway().session_id;
      Inbox inbox;
      REQUIRE(listener.subscribe("meter/#", [&](const Message& m) { inbox.add(m); }).code == 200);
      gateway.restart();
      // Published at once: while the listener is still away (kept in its mailbox) or after it
      // is back (live), each reading arrives once and in order.
      auto sender = Client::connect(gateway.url("http"), gateway.keys(), quick_options("meter"));
      std::vector<std::string> expected;
      for (int i = 0; i < 50; ++i) {
        expected.push_back("reading " + std::to_string(i));
        REQUIRE(sender.publish("meter/power", expected.back()).code == 200);
      }
      CHECK(inbox.texts_after(expected.size(), 10s) == expected);
      CHECK(connected_within(listener, 5s));
      Message whoami;
      whoami.cmd = "whoami";
      CHECK(listener.request(whoami).data.parse().value("id", "") == id);  // the same session
      sender.close();
      listener.close();
    }
  }
}

TEST_CASE("a client whose session ended meanwhile subscribes again from where history says it was",
          "[client]") {
  // Sessions idle out after 2 s; the topics keep their history much longer.
  gw::test::GatewayProcess gateway(
      "[sessions]\nidle = 2\npoll_wait_max = 1\n\n[[history]]\nfilter = \"meter/#\"\n");
  gateway.start();
  for (const std::string scheme : all_schemes) {
    SECTION(scheme) {
      auto listener =
          Client::connect(gateway.url(scheme), gateway.keys(), quick_options("listener"));
      Inbox inbox;
      // The handler holds the client's thread while the gate is shut, so the listener notices
      // nothing until its session is gone and the readings are published.
      std::mutex gate_mutex;
      std::condition_variable gate_opened;
      bool gate_open = false;
      const auto handler = [&](const Message& m) {
        inbox.add(m);
        std::unique_lock lock(gate_mutex);
        gate_opened.wait_for(lock, 20s, [&] { return gate_open; });
      };
      REQUIRE(listener.subscribe("meter/#", handler).code == 200);
      auto sender = Client::connect(gateway.url("http"), gateway.keys(), quick_options("meter"));
      REQUIRE(sender.publish("meter/power", "before").code == 200);
      REQUIRE(inbox.wait_for_text("before", 5s));
      gateway.stop();
      std::this_thread::sleep_for(2500ms);  // past sessions.idle: the listener's session ends
      gateway.start();
      std::vector<std::string> expected = {"before"};
      for (int i = 0; i < 20; ++i) {
        expected.push_back("reading " + std::to_string(i));
        REQUIRE(sender.publish("meter/power", expected.back()).code == 200);
      }
      {
        std::lock_guard lock(gate_mutex);
        gate_open = true;
      }
      gate_opened.notify_all();
      // A new session (the old one is gone), subscribed again since the last offset received.
      CHECK(inbox.texts_after(expected.size(), 10s) == expected);
      CHECK(connected_within(listener, 5s));
      sender.close();
      listener.close();
    }
  }
}

TEST_CASE("requests that find their session gone together make one new session", "[client]") {
  gw::test::GatewayProcess gateway("[sessions]\nidle = 2\npoll_wait_max = 1\n");
  gateway.start();
  for (const std::string scheme : {"http", "udp"}) {
    SECTION(scheme) {
      auto options = quick_options("sensor");
      options.keepalive = 60s;  // only the requests below notice the new gateway
      auto client = Client::connect(gateway.url(scheme), gateway.keys(), options);
      Inbox inbox;
      REQUIRE(client.subscribe("alarms/#", [&](const Message& m) { inbox.add(m); }).code == 200);
      gateway.stop();
      std::this_thread::sleep_for(2500ms);  // past sessions.idle: the session ends
      gateway.start();
      // Each is refused (401) with the old token; one renews, the rest wait and use its session.
      std::vector<std::future<Message>> replies;
      for (int i = 0; i < 4; ++i)
        replies.push_back(std::async(std::launch::async, [&client] {
          Message whoami;
          whoami.cmd = "whoami";
          return client.request(whoami);
        }));
      std::set<std::string> sessions;
      for (auto& reply : replies) {
        const auto answer = reply.get();
        CHECK(answer.code == 200);
        sessions.insert(answer.data.parse().value("id", ""));
      }
      CHECK(sessions.size() == 1);
      CHECK(client.gateway().session_name == "sensor");  // not sensor-2: no session left behind
      auto sender = Client::connect(gateway.url("ws"), gateway.keys(), quick_options("siren"));
      REQUIRE(sender.publish("alarms/door", "opened").code == 200);
      CHECK(inbox.wait_for_text("opened", 5s));
    }
  }
}

TEST_CASE("a wrong key is an error, not a hang", "[client]") {
  gw::test::GatewayProcess gateway;
  gateway.start();
  const auto wrong_keys = gw::message::KeyRing({gw::message::Fernet::generate()});
  auto options = quick_options("intruder");
  options.timeout = 1s;
  for (const std::string scheme : all_schemes) {
    SECTION(scheme) {
      try {
        Client::connect(gateway.url(scheme), wrong_keys, options);
        FAIL("connected with a wrong key");
      } catch (const ClientError& error) {
        // UDP: the gateway stays silent to what it cannot read, so only the silence is known.
        CHECK(error.kind() == (scheme == "udp" ? ErrorKind::unreachable : ErrorKind::wrong_key));
        CHECK_THAT(error.what(), Catch::Contains(scheme == "udp" ? "cannot read our key" : "key"));
      }
    }
  }
}

TEST_CASE("a device's own key works on every transport", "[client]") {
  gw::test::GatewayProcess gateway;
  const auto key = gw::message::Fernet::generate();
  gateway.write_devices("[[device]]\nname = \"thermometer\"\nkey = \"" + key.key() +
                        "\"\npublish = [\"home/+/temperature\"]\n");
  gateway.start();
  for (const std::string scheme : all_schemes) {
    SECTION(scheme) {
      // On WebSocket the gateway's greeting is under the shared key: passed over, not an error.
      auto client = Client::connect(gateway.url(scheme), gw::message::KeyRing({key}),
                                    quick_options("ignored"));
      CHECK(client.gateway().session_name == "thermometer");
      Message whoami;
      whoami.cmd = "whoami";
      const auto me = client.request(whoami);
      CHECK(me.code == 200);
      CHECK(me.data.parse()["device"] == true);
      Message publish;
      publish.cmd = "publish";
      publish.topic = "home/attic/temperature";
      CHECK(client.request(publish).code == 200);
      publish.topic = "home/attic/door";
      CHECK(client.request(publish).code == 403);
    }
  }
}

TEST_CASE("nothing listening is unreachable, and a bad URL says why", "[client]") {
  gw::test::GatewayProcess gateway;
  gateway.start();
  const auto keys = gateway.keys();
  const auto port = std::to_string(gateway.port("http"));
  gateway.stop();
  auto options = quick_options("nobody");
  options.timeout = 1s;
  for (const std::string scheme : all_schemes) {
    SECTION(scheme) {
      try {
        Client::connect(scheme + "://127.0.0.1:" + port, keys, options);
        FAIL("connected to nothing");
      } catch (const ClientError& error) {
        CHECK(error.kind() == ErrorKind::unreachable);
      }
    }
  }
  SECTION("bad URLs") {
    for (const char* url : {"127.0.0.1:5000", "ftp://host", "ws://:80", "tcp://host:0",
                            "udp://host:99999", "http://host/path"}) {
      try {
        Client::connect(url, keys, options);
        FAIL(url);
      } catch (const ClientError& error) {
        CHECK(error.kind() == ErrorKind::bad_url);
      }
    }
  }
}

TEST_CASE("URLs with default ports, paths and IPv6 hosts", "[client]") {
  using gw::client::GatewayUrl;
  CHECK(GatewayUrl::parse("ws://hub").to_string() == "ws://hub:8000/ws");
  CHECK(GatewayUrl::parse("ws://hub:9000/socket").to_string() == "ws://hub:9000/socket");
  CHECK(GatewayUrl::parse("http://hub/").to_string() == "http://hub:5000");
  CHECK(GatewayUrl::parse("udp://[::1]").to_string() == "udp://[::1]:1234");
  CHECK(GatewayUrl::parse("tcp://gateway.lan:6001").port == 6001);
}

TEST_CASE("a gateway found by scanning is connected to", "[client]") {
  gw::test::GatewayProcess gateway;
  gateway.start();
  gw::client::FindOptions find;
  find.probe = false;  // a broadcast would leave loopback; the scan is told its network
  find.scan_options.networks = {gw::discovery::Cidr::parse("127.0.0.1/32")};
  find.scan_options.port = static_cast<std::uint16_t>(gateway.port("http"));
  find.transport = gw::client::Scheme::tcp;
  const auto url = gw::client::find_gateway(gateway.keys(), find);
  REQUIRE(url);
  CHECK(*url == gateway.url("tcp"));
  auto client = Client::connect(*url, gateway.keys(), quick_options("finder"));
  CHECK(client.ping().code == 200);
}
