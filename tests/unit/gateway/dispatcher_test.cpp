#include <algorithm>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "gateway_fixture.hpp"

namespace {

using gw::message::Message;
using gw::test::command;
using gw::test::RecordingSession;
using gw::transports::TransportKind;
using Fixture = gw::test::GatewayFixture;

}  // namespace

TEST_CASE_METHOD(Fixture, "ping answers pong with the request's id", "[dispatcher]") {
  auto session = std::make_shared<RecordingSession>(TransportKind::http);
  const auto reply = request(session, command("ping", "", "42"));
  CHECK(reply.cmd == "ping");
  CHECK(reply.text == "pong");
  CHECK(reply.id == "42");
  CHECK(reply.code == 200);
  CHECK(reply.user_id == "hub");
  CHECK(reply.data.parse().contains("time"));
  CHECK(session->statuses().back() == 200);
}

TEST_CASE_METHOD(Fixture, "handshake describes the server, the session and the commands",
                 "[dispatcher]") {
  gateway.server().http_port = 5000;
  auto session = std::make_shared<RecordingSession>(TransportKind::udp);
  const auto reply = request(session, command("handshake"));
  CHECK(reply.data.parse()["server"]["name"] == "hub");
  CHECK(reply.data.parse()["server"]["id"] == "0123456789abcdef");
  CHECK(reply.data.parse()["session"]["id"] == "c" + std::to_string(session->id()));
  CHECK(reply.data.parse()["session"]["name"] == "tester");
  CHECK(reply.data.parse()["endpoints"]["http"] == 5000);
  CHECK(reply.data.parse()["endpoints"]["tcp"].is_null());
  CHECK(reply.data.parse()["session"]["token"].get<std::string>().size() == 24);
  const auto commands = reply.data.parse()["commands"];
  for (const auto* name : {"commands", "error", "handshake", "help", "ping", "poll", "publish"})
    CHECK(std::count(commands.begin(), commands.end(), name) == 1);
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
  REQUIRE(http->statuses() == std::vector{400});
  const auto reply = last(http);
  CHECK(reply.cmd == "error");
  CHECK(reply.code == 400);
  CHECK_FALSE(reply.text.empty());

  auto udp = std::make_shared<RecordingSession>(TransportKind::udp);
  handler.on_frame(udp, "garbage");
  handler.on_frame(udp, token(command("ping")).substr(1));
  CHECK(udp->count() == 0);
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
  const auto reply = request(session, command("explode", "", "e1"));
  CHECK(reply.code == 500);
  CHECK(reply.id == "e1");
  CHECK(reply.text == "internal error in command 'explode'");
  CHECK(request(session, command("ping")).text == "pong");
  CHECK_THAT(gateway.metrics().render(gateway.server(), gateway.transport_stats()),
             Catch::Contains("gw_handler_exceptions_total 1"));
}

TEST_CASE_METHOD(Fixture, "a chat message reaches every client, its sender too", "[dispatcher]") {
  auto alice = connect(TransportKind::websocket);
  auto bob = connect(TransportKind::websocket);
  auto device = connect(TransportKind::tcp);
  REQUIRE(alice->count() == 1);  // the welcome
  CHECK(decoded(alice->frames()[0]).cmd == "welcome");
  CHECK(device->count() == 0);  // TCP gets no welcome

  Message chat = command("");
  chat.text = "hello";
  chat.token = "secret-session-token";
  handler.on_frame(alice, token(chat));
  REQUIRE(alice->count() == 2);  // its own copy is the WebSocket sender's only answer
  REQUIRE(bob->count() == 2);
  REQUIRE(device->count() == 1);
  CHECK(alice->frames()[1] == bob->frames()[1]);  // encrypted once, the same bytes for everyone
  CHECK(device->frames()[0] == bob->frames()[1]);
  const auto relayed = decoded(bob->frames()[1]);
  CHECK(relayed.text == "hello");
  CHECK(relayed.from == "c" + std::to_string(alice->id()));
  CHECK(relayed.user_id == "tester");  // an unnamed client is named by the userID it sends
  CHECK(relayed.token.empty());

  auto poster = std::make_shared<RecordingSession>(TransportKind::http);
  chat.token.clear();
  const auto ack = request(poster, chat);
  CHECK(ack.text == "delivered to 3 clients");
  CHECK(decoded(bob->frames().back()).from == "anonymous");  // no session: nobody to answer
  handler.on_close(*bob, gw::transports::Handler::Ending::lost);
  CHECK(request(poster, chat).text == "delivered to 2 clients");
}

TEST_CASE_METHOD(Fixture, "too large is 413; stopping is 503", "[dispatcher]") {
  auto session = std::make_shared<RecordingSession>(TransportKind::tcp);
  handler.on_too_large(session);
  CHECK(last(session).code == 413);
  gateway.begin_stopping();
  CHECK(request(session, command("ping")).code == 503);
}

TEST_CASE_METHOD(Fixture, "the core serves the files it is given, and no console of its own",
                 "[dispatcher]") {
  CHECK(handler.page("/").status == 404);
  CHECK(handler.page("/healthz").status == 200);
  gateway.serve_files([](std::string_view path) -> std::optional<gw::transports::HttpPage> {
    if (path != "/") return std::nullopt;
    return gw::transports::HttpPage{200, "text/html", "<p>console</p>"};
  });
  const auto page = handler.page("/index.html");  // the same file as /
  CHECK(page.status == 200);
  CHECK(page.body == "<p>console</p>");
  CHECK(handler.page("/app.js").status == 404);
  CHECK(handler.page("/metrics").status == 200);
}

TEST_CASE_METHOD(Fixture,
                 "an unnamed client asks for the name in its userID once, not with every "
                 "message",
                 "[dispatcher]") {
  // A hundred clients take "same", "same-2" ... "same-100"; the next finds none free.
  std::vector<std::shared_ptr<RecordingSession>> clients;
  Message hello = command("whoami");
  hello.user_id = "same";
  for (int i = 0; i < 101; ++i) {
    clients.push_back(connect(TransportKind::tcp));
    request(clients.back(), hello);
  }
  const auto last = clients.back();
  const auto id = "c" + std::to_string(last->id());
  CHECK(request(last, hello).data.parse().value("name", "") == id);  // none was free
  // A name freed later is not taken by its next messages: it asked once, when it came.
  handler.on_close(*clients.front(), gw::transports::Handler::Ending::goodbye);
  CHECK(request(last, hello).data.parse().value("name", "") == id);
  // A new client still gets the name that was freed.
  auto newcomer = connect(TransportKind::tcp);
  CHECK(request(newcomer, hello).data.parse().value("name", "") == "same");
}

TEST_CASE_METHOD(Fixture,
                 "a request to a client that left after it was found ends at once, not at its "
                 "timeout",
                 "[dispatcher]") {
  const auto session = connect(TransportKind::tcp);
  const auto client = gateway.hub().find_connection(*session);
  REQUIRE(client);
  // It leaves between the asker finding it and the request being registered: its close has
  // nothing to end yet.
  handler.on_close(*session, gw::transports::Handler::Ending::lost);
  std::optional<std::optional<Message>> answered;
  REQUIRE(gateway.ask(client, command("status"), std::chrono::seconds(60),
                      [&](std::optional<Message> answer) { answered = std::move(answer); }));
  REQUIRE(answered.has_value());
  CHECK_FALSE(answered->has_value());
  CHECK(gateway.outgoing_requests().pending() == 0);
}
