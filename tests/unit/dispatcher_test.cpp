#include <mutex>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include <gw/gateway/gateway.hpp>
#include <gw/message/fernet.hpp>

namespace {

using gw::message::Message;
using gw::transports::Frame;
using gw::transports::Session;
using gw::transports::TransportKind;

// A client as the dispatcher sees one: what it was sent, with the status of each reply.
class RecordingSession final : public Session {
 public:
  explicit RecordingSession(TransportKind kind) : Session(kind, "192.0.2.7:4000") {}
  void send(Frame frame) override { reply(std::move(frame), 0); }
  void reply(Frame frame, int status) override {
    std::lock_guard lock(mutex_);
    frames.push_back(*frame);
    statuses.push_back(status);
  }
  void close() override { closed = true; }

  std::vector<std::string> frames;
  std::vector<int> statuses;
  bool closed = false;

 private:
  std::mutex mutex_;
};

gw::gateway::ServerInfo server_info() {
  gw::gateway::ServerInfo info;
  info.name = "hub";
  info.id = "0123456789abcdef";
  info.version = "9.9.9";
  return info;
}

struct Fixture {
  gw::message::Codec codec{gw::message::KeyRing({gw::message::Fernet::generate()})};
  gw::gateway::Gateway gateway{server_info(), codec};
  gw::transports::Handler& handler = gateway.handler();

  std::string token(const Message& m) { return *codec.encode(m); }
  Message decoded(const std::string& frame) { return *codec.decode(frame); }

  Message request(const std::shared_ptr<RecordingSession>& session, const Message& m) {
    handler.on_frame(session, token(m));
    REQUIRE_FALSE(session->frames.empty());
    return decoded(session->frames.back());
  }
};

Message command(std::string cmd, std::string id = "") {
  Message m;
  m.user_id = "tester";
  m.cmd = std::move(cmd);
  m.id = std::move(id);
  return m;
}

}  // namespace

TEST_CASE_METHOD(Fixture, "ping answers pong with the request's id", "[dispatcher]") {
  auto session = std::make_shared<RecordingSession>(TransportKind::http);
  const auto reply = request(session, command("ping", "42"));
  CHECK(reply.cmd == "ping");
  CHECK(reply.text == "pong");
  CHECK(reply.id == "42");
  CHECK(reply.code == 200);
  CHECK(reply.user_id == "hub");
  CHECK(reply.data.contains("time"));
  CHECK(session->statuses.back() == 200);
}

TEST_CASE_METHOD(Fixture, "handshake describes the server, the session and the commands",
                 "[dispatcher]") {
  gateway.server().http_port = 5000;
  auto session = std::make_shared<RecordingSession>(TransportKind::udp);
  const auto reply = request(session, command("handshake"));
  CHECK(reply.data["server"]["name"] == "hub");
  CHECK(reply.data["server"]["id"] == "0123456789abcdef");
  CHECK(reply.data["session"]["id"] == "c" + std::to_string(session->id()));
  CHECK(reply.data["session"]["name"] == "tester");
  CHECK(reply.data["endpoints"]["http"] == 5000);
  CHECK(reply.data["endpoints"]["tcp"].is_null());
  CHECK(reply.data["commands"] ==
        nlohmann::json({"commands", "error", "handshake", "help", "ping"}));
}

TEST_CASE_METHOD(Fixture, "an unknown command is 404 naming it", "[dispatcher]") {
  auto session = std::make_shared<RecordingSession>(TransportKind::tcp);
  const auto reply = request(session, command("launch"));
  CHECK(reply.cmd == "error");
  CHECK(reply.code == 404);
  CHECK(reply.text == "unknown command 'launch'; send cmd 'commands' for the list");
}

TEST_CASE_METHOD(Fixture, "undecodable input is 400 with the reason, except on UDP",
                 "[dispatcher]") {
  auto http = std::make_shared<RecordingSession>(TransportKind::http);
  handler.on_frame(http, "garbage");
  REQUIRE(http->statuses == std::vector{400});
  const auto reply = decoded(http->frames.back());
  CHECK(reply.cmd == "error");
  CHECK(reply.code == 400);
  CHECK_FALSE(reply.text.empty());

  auto udp = std::make_shared<RecordingSession>(TransportKind::udp);
  handler.on_frame(udp, "garbage");
  handler.on_frame(udp, token(command("ping")).substr(1));
  CHECK(udp->frames.empty());
  CHECK(gateway.metrics().decode_failures(TransportKind::udp, gw::message::ErrorKind::bad_base64) ==
        2);
}

TEST_CASE_METHOD(Fixture, "a command that throws is 500 and the next request is served",
                 "[dispatcher]") {
  gateway.commands().add({"explode", "Throws", gw::gateway::Permission::user,
                          [](const gw::gateway::CommandContext&) -> std::optional<Message> {
                            throw std::runtime_error("boom");
                          }});
  auto session = std::make_shared<RecordingSession>(TransportKind::websocket);
  const auto reply = request(session, command("explode", "e1"));
  CHECK(reply.code == 500);
  CHECK(reply.id == "e1");
  CHECK(reply.text == "internal error in command 'explode'");
  CHECK(request(session, command("ping")).text == "pong");
  CHECK_THAT(gateway.metrics().render(gateway.server(), gateway.transport_stats()),
             Catch::Contains("gw_handler_exceptions_total 1"));
}

TEST_CASE_METHOD(Fixture, "a chat message reaches every WebSocket client, its sender too",
                 "[dispatcher]") {
  auto alice = std::make_shared<RecordingSession>(TransportKind::websocket);
  auto bob = std::make_shared<RecordingSession>(TransportKind::websocket);
  auto device = std::make_shared<RecordingSession>(TransportKind::tcp);
  for (const auto& s : {alice, bob, device})
    handler.on_open(s);
  REQUIRE(alice->frames.size() == 1);  // the welcome
  CHECK(decoded(alice->frames[0]).cmd == "welcome");
  CHECK(device->frames.empty());  // TCP gets no welcome

  Message chat = command("");
  chat.text = "hello";
  chat.token = "secret-session-token";
  handler.on_frame(alice, token(chat));
  REQUIRE(alice->frames.size() == 2);
  REQUIRE(bob->frames.size() == 2);
  CHECK(alice->frames[1] == bob->frames[1]);  // encrypted once, the same bytes for everyone
  const auto relayed = decoded(bob->frames[1]);
  CHECK(relayed.text == "hello");
  CHECK(relayed.from == "c" + std::to_string(alice->id()));
  CHECK(relayed.token.empty());

  auto poster = std::make_shared<RecordingSession>(TransportKind::http);
  const auto ack = request(poster, chat);
  CHECK(ack.text == "delivered to 2 WebSocket clients");
  handler.on_close(*bob);
  CHECK(request(poster, chat).text == "delivered to 1 WebSocket clients");
  CHECK(device->frames.empty());
}

TEST_CASE_METHOD(Fixture, "too large is 413; stopping is 503", "[dispatcher]") {
  auto session = std::make_shared<RecordingSession>(TransportKind::tcp);
  handler.on_too_large(session);
  CHECK(decoded(session->frames.back()).code == 413);
  gateway.begin_stopping();
  CHECK(request(session, command("ping")).code == 503);
}
