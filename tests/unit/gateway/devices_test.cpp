// Devices with keys of their own, through the socket-free gateway: the key is who sent a token,
// what goes back goes under that key (once per key for many recipients), permissions are
// enforced in one place, and a new devices file acts on live clients at once.
#include <catch2/catch.hpp>

#include <gw/gateway/device_file.hpp>

#include "gateway_fixture.hpp"
#include "identity/key_hints.hpp"

namespace {

using gw::gateway::Device;
using gw::gateway::DeviceFileError;
using gw::message::Fernet;
using gw::message::Message;
using gw::test::command;
using gw::test::RecordingSession;
using gw::transports::TransportKind;

Device device(std::string name, gw::gateway::PermissionLists permissions = {}) {
  Device made(std::move(name), Fernet::generate());
  made.permissions = std::move(permissions);
  made.line = 1;
  return made;
}

gw::gateway::GatewaySettings settings_with(std::vector<Device> devices) {
  auto settings = gw::test::test_settings();
  settings.devices = std::move(devices);
  return settings;
}

struct DevicesFixture {
  Device sensor = device("kitchen-sensor", {.publish = {"home/kitchen/#"},
                                            .subscribe = {"home/kitchen/#", "home/hall/#"}});
  Device panel = device("wall-panel", {.send = {"kitchen-sensor"}, .commands = {"broadcast"}});
  gw::message::Codec codec{gw::message::KeyRing({Fernet::generate()})};
  gw::gateway::Gateway gateway{gw::test::test_server_info(), codec, settings_with({sensor, panel})};
  gw::transports::Handler& handler = gateway.handler();

  std::string token(const Message& m, const Fernet& key) { return *codec.encode(m, key); }
  Message read(const std::string& frame, const Fernet& key) {
    auto parsed = codec.parse(frame);
    REQUIRE(parsed);
    auto opened = codec.open(*parsed, key, gw::message::unix_now());
    REQUIRE(opened);
    return opened->message;
  }
  Message request(const std::shared_ptr<RecordingSession>& session, const Message& m,
                  const Fernet& key) {
    const auto before = session->count();
    handler.on_frame(session, token(m, key));
    REQUIRE(session->wait_for(before + 1));
    return read(session->frames().back(), key);
  }
  std::shared_ptr<RecordingSession> connect(TransportKind kind) {
    auto session = std::make_shared<RecordingSession>(kind);
    handler.on_open(session);
    return session;
  }
};

}  // namespace

TEST_CASE_METHOD(DevicesFixture, "a device's token is the device, answered under its key",
                 "[devices]") {
  auto http = std::make_shared<RecordingSession>(TransportKind::http);
  const auto hello = request(http, command("handshake"), sensor.key);
  CHECK(hello.code == 200);
  CHECK(hello.data.parse()["session"]["name"] == "kitchen-sensor");
  // Not under the shared key: nobody else can read what the device is told.
  CHECK_FALSE(codec.decode(http->frames().back()));

  auto publish = command("publish");
  publish.topic = "home/garage/door";
  const auto refused = request(http, publish, sensor.key);
  CHECK(refused.code == 403);
  CHECK(refused.text ==
        "device 'kitchen-sensor' may not publish to 'home/garage/door': its publish permission "
        "allows home/kitchen/#");
  CHECK(gateway.metrics().permission_refusals("kitchen-sensor", "publish") == 1);
  publish.topic = "home/kitchen/light";
  CHECK(request(http, publish, sensor.key).code == 200);
  // The everyday commands need no permission; others must be listed.
  CHECK(request(http, command("ping"), sensor.key).code == 200);
  const auto topics = request(http, command("topics"), sensor.key);
  CHECK(topics.code == 403);
  CHECK(gateway.metrics().permission_refusals("kitchen-sensor", "commands") == 1);
}

TEST_CASE_METHOD(DevicesFixture, "a delivery is encrypted once per key, not per recipient",
                 "[devices]") {
  const auto first = connect(TransportKind::websocket);
  const auto second = connect(TransportKind::tcp);
  const auto shared = connect(TransportKind::websocket);
  CHECK(request(first, command("ping"), sensor.key).code == 200);
  CHECK(request(second, command("ping"), sensor.key).code == 200);
  CHECK(request(shared, command("ping"), codec.keys().primary()).code == 200);
  const auto panel_ws = connect(TransportKind::websocket);
  const auto first_before = first->count();
  const auto second_before = second->count();
  auto broadcast = command("broadcast");
  broadcast.text = "lights out";
  CHECK(request(panel_ws, broadcast, panel.key).code == 200);
  REQUIRE(first->wait_for(first_before + 1));
  REQUIRE(second->wait_for(second_before + 1));
  const auto to_first = first->frames().back();
  // Both sessions of the device got the very token; the shared-key client another.
  CHECK(to_first == second->frames().back());
  CHECK(read(to_first, sensor.key).text == "lights out");
  CHECK(read(to_first, sensor.key).user_id == "wall-panel");
  CHECK(read(shared->frames().back(), codec.keys().primary()).text == "lights out");
  CHECK(shared->frames().back() != to_first);
}

TEST_CASE_METHOD(DevicesFixture, "a device's name is every session of it, and its own",
                 "[devices]") {
  const auto ws = connect(TransportKind::websocket);
  const auto tcp = connect(TransportKind::tcp);
  request(ws, command("ping"), sensor.key);
  request(tcp, command("ping"), sensor.key);
  CHECK(gateway.hub().find_all("kitchen-sensor").size() == 2);
  const auto panel_http = std::make_shared<RecordingSession>(TransportKind::http);
  auto send = command("send");
  send.to = "kitchen-sensor";
  send.text = "hi";
  const auto sent = request(panel_http, send, panel.key);
  CHECK(sent.code == 200);
  CHECK(sent.text == "delivered to the 2 sessions of kitchen-sensor");
  send.to = "wall-panel";
  CHECK(request(panel_http, send, panel.key).code == 403);  // not in its send list

  const auto rename = request(ws, command("rename", "oven"), sensor.key);
  CHECK(rename.code == 403);
  const auto other = connect(TransportKind::websocket);
  CHECK(request(other, command("rename", "kitchen-sensor"), codec.keys().primary()).code == 409);
  const auto claimed = request(other, command("handshake"), codec.keys().primary());
  CHECK(claimed.code == 200);
  CHECK(gateway.hub().claim_name(*gateway.hub().find_connection(*other), "kitchen-sensor") ==
        "kitchen-sensor-2");
  // A connection that spoke as the device is the device's for good.
  const auto mixed = request(ws, command("ping"), codec.keys().primary());
  CHECK(mixed.code == 403);
  CHECK(gateway.metrics().permission_refusals("(shared key)", "session") == 1);
}

TEST_CASE_METHOD(DevicesFixture, "a new devices file acts on live clients at once", "[devices]") {
  const auto ws = connect(TransportKind::websocket);
  auto subscribe = command("subscribe");
  subscribe.topic = "home/hall/#";
  CHECK(request(ws, subscribe, sensor.key).code == 200);
  subscribe.topic = "home/kitchen/#";
  CHECK(request(ws, subscribe, sensor.key).code == 200);
  const auto panel_ws = connect(TransportKind::tcp);
  CHECK(request(panel_ws, command("ping"), panel.key).code == 200);

  auto narrower = sensor;
  narrower.permissions.subscribe = {"home/kitchen/#"};
  const auto before = ws->count();
  const auto summary = gateway.use_devices({narrower});
  CHECK(summary ==
        "1 device(s): 0 added, 1 removed, 1 changed; 1 session(s) ended, 1 subscription(s) "
        "dropped");
  // The sensor is told what it lost, under its key; the panel is told and closed.
  REQUIRE(ws->wait_for(before + 1));
  const auto notice = read(ws->frames().back(), sensor.key);
  CHECK(notice.cmd == "unsubscribe");
  CHECK(notice.data.parse()["topics"] == nlohmann::json{"home/hall/#"});
  CHECK(gateway.hub().find_connection(*ws)->subscriptions() ==
        std::set<std::string>{"home/kitchen/#"});
  CHECK(panel_ws->closed());
  CHECK(read(panel_ws->frames().back(), panel.key).cmd == "kick");
  CHECK(gateway.hub().find_all("wall-panel").empty());
  // Its tokens are no tokens now.
  const auto stranger = std::make_shared<RecordingSession>(TransportKind::http);
  handler.on_frame(stranger, token(command("ping"), panel.key));
  REQUIRE(stranger->wait_for(1));
  CHECK(stranger->statuses().back() == 400);

  auto rekeyed = narrower;
  rekeyed.key = Fernet::generate();
  gateway.use_devices({rekeyed});
  CHECK(ws->closed());  // what it had open under the old key
}

TEST_CASE_METHOD(DevicesFixture, "devices naming what the gateway lacks are refused whole",
                 "[devices]") {
  auto unknown = device("x", {.commands = {"frobnicate"}});
  unknown.line = 12;
  CHECK_THROWS_WITH(gateway.use_devices({sensor, unknown}),
                    "device 'x' (line 12 of the devices file): commands entry 'frobnicate' is "
                    "not a command of this gateway");
  CHECK_THROWS_WITH(gateway.check_devices(std::vector{device("y", {.commands = {"kick"}})}),
                    Catch::Contains("is an admin command: give the device admin = true instead"));
  CHECK_THROWS_WITH(gateway.check_devices(std::vector{device("y", {.requestables = {"weather"}})}),
                    Catch::Contains("requestables entry 'weather' is not a requestable"));
  CHECK_THROWS_WITH(gateway.check_devices(std::vector{device("y", {.tables = {"rooms"}})}),
                    Catch::Contains("tables entry 'rooms' is not a lookup table"));
  // Nothing changed.
  CHECK(gateway.identities().current()->device("wall-panel"));
}

TEST_CASE("the devices heard from a host are kept latest first, two of them", "[devices]") {
  gw::gateway::KeyHints hints(16);
  CHECK(hints.recent("127.0.0.7").count == 0);
  hints.heard("127.0.0.7", "a");
  hints.heard("127.0.0.7", "b");
  auto names = hints.recent("127.0.0.7");
  REQUIRE(names.count == 2);
  CHECK(names.list()[0] == "b");
  CHECK(names.list()[1] == "a");
  hints.heard("127.0.0.7", "a");
  CHECK(hints.recent("127.0.0.7").list()[0] == "a");
  hints.heard("127.0.0.7", "c");
  names = hints.recent("127.0.0.7");
  CHECK((names.list()[0] == "c" && names.list()[1] == "a"));
  // Bounded: a shard that fills is emptied, never grows.
  for (int i = 0; i < 1000; ++i)
    hints.heard("127.1." + std::to_string(i / 256) + "." + std::to_string(i % 256), "d");
  CHECK(hints.recent("127.1.3.231").list()[0] == "d");
}

TEST_CASE("searches for unknown keys have a budget, shared by every sender", "[devices]") {
  std::vector<Device> devices;
  for (int i = 0; i < 10; ++i)
    devices.push_back(device("d" + std::to_string(i)));
  auto settings = settings_with(devices);
  settings.rates.key_search = {1, 25};  // two searches through ten keys, then a key a second
  settings.rates.undecryptable = {};    // the per-address allowance is not what is measured
  const gw::message::Codec codec(gw::message::KeyRing({Fernet::generate()}));
  gw::gateway::Gateway gateway(gw::test::test_server_info(), codec, settings);
  const auto stranger = Fernet::generate();
  std::vector<int> statuses;
  for (int i = 0; i < 4; ++i) {
    auto session = std::make_shared<RecordingSession>(TransportKind::http,
                                                      "192.0.2." + std::to_string(i) + ":1");
    gateway.handler().on_frame(session, *codec.encode(command("ping"), stranger));
    REQUIRE(session->wait_for(1));
    statuses.push_back(session->statuses().back());
  }
  CHECK(statuses == std::vector<int>{400, 400, 503, 503});
  CHECK(gateway.metrics()
            .render(gateway.server(), gateway.transport_stats())
            .find("gw_rate_limited_total{transport=\"http\",limit=\"key_search\"} 2") !=
        std::string::npos);
  // A device whose host was heard from is tried first, and needs no search.
  auto hinted = std::make_shared<RecordingSession>(TransportKind::udp, "192.0.2.9:1");
  gateway.key_hints().heard("192.0.2.9", "d9");
  gateway.handler().on_frame(hinted, *codec.encode(command("ping"), devices[9].key));
  REQUIRE(hinted->wait_for(1));
  auto parsed = codec.parse(hinted->frames().back());
  CHECK(codec.open(*parsed, devices[9].key, gw::message::unix_now())->message.text == "pong");
}

namespace {
// A store that gives back the sessions a previous run left.
class SessionsLeft final : public gw::gateway::Store {
 public:
  explicit SessionsLeft(std::vector<gw::gateway::SavedSession> sessions)
      : sessions_(std::move(sessions)) {}
  std::vector<gw::gateway::SavedSession> saved_sessions() override { return sessions_; }
  std::unique_ptr<gw::gateway::Mailbox> open_mailbox(
      const std::string& client_id, const gw::gateway::SessionLimits& limits) override {
    return std::make_unique<gw::gateway::Mailbox>(limits, client_id);
  }
  const std::string& epoch() const override { return epoch_; }
  std::string describe() const override { return "sessions left by a previous run"; }

 private:
  std::vector<gw::gateway::SavedSession> sessions_;
  const std::string epoch_ = gw::gateway::new_store_epoch();
};

gw::gateway::SavedSession saved(std::string id, std::string name, std::string device) {
  gw::gateway::SavedSession session;
  session.id = std::move(id);
  session.token = "token-" + session.id;
  session.name = std::move(name);
  session.kind = TransportKind::http;
  session.address = "192.0.2.7:1";
  session.last_seen = std::chrono::system_clock::now();
  session.device = std::move(device);
  return session;
}
}  // namespace

TEST_CASE("sessions come back as their device's, or not at all", "[devices]") {
  const auto printer = device("printer");
  auto store = std::make_shared<SessionsLeft>(std::vector{
      saved("c3", "printer", "printer"), saved("c4", "printer", ""),  // a name now a device's
      saved("c5", "lamp", "lamp"),                                    // a device gone since
      saved("c6", "desk", "")});
  const gw::message::Codec codec(gw::message::KeyRing({Fernet::generate()}));
  gw::gateway::Gateway gateway(gw::test::test_server_info(), codec, settings_with({printer}),
                               store);
  auto& hub = gateway.hub();
  CHECK(hub.restored() == 3);
  CHECK(hub.find("c3")->device_name() == "printer");
  CHECK(hub.find("c4")->name() == "c4");
  CHECK(hub.find("c5") == nullptr);
  CHECK(hub.find("desk")->id() == "c6");
  CHECK(hub.find_all("printer").size() == 1);
}

TEST_CASE_METHOD(DevicesFixture, "asks and lookups are checked like sends and reads", "[devices]") {
  const auto http = std::make_shared<RecordingSession>(TransportKind::http);
  // The panel may run broadcast, not ask; the sensor neither.
  const auto ask = request(http, command("ask", "kitchen-sensor ping"), panel.key);
  CHECK(ask.code == 403);
  CHECK(ask.text ==
        "device 'wall-panel' may not run 'ask': its commands permission allows broadcast");
  const auto lookup = request(http, command("lookup", "rooms/kitchen"), sensor.key);
  CHECK(lookup.code == 403);
  CHECK(lookup.text ==
        "device 'kitchen-sensor' may not read the lookup table 'rooms': its tables permission "
        "allows nothing");
  CHECK(gateway.metrics().permission_refusals("kitchen-sensor", "tables") == 1);
  // The shared key's holders may, by default: the table is then looked for, and is not there.
  const auto shared = request(http, command("lookup", "rooms/kitchen"), codec.keys().primary());
  CHECK(shared.code == 404);
}
