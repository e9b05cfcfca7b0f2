// The dispatcher, hub and commands follow a session's traits, not its kind: a transport gw does
// not have works once it describes itself. Each fake transport here is counted under a kind
// whose own traits differ, so that reading the kind instead of the traits would fail.

#include <catch2/catch.hpp>

#include "gateway_fixture.hpp"

namespace {

using gw::message::Message;
using gw::test::addressed;
using gw::test::command;
using gw::test::RecordingSession;
using gw::transports::SessionTraits;
using gw::transports::TransportKind;
using DeliveryPath = SessionTraits::DeliveryPath;
using Fixture = gw::test::GatewayFixture;

// A Unix datagram socket: datagrams like UDP, but the kernel vouches for the sender, so it may
// be answered even when refused. Counted as UDP.
constexpr SessionTraits unix_datagram{.kind = TransportKind::udp,
                                      .connection = false,
                                      .delivery = DeliveryPath::latest_request,
                                      .forgeable_source = false,
                                      .found_by_address = true};

// A serial line that stays open but is written to only when the device asks (poll), as a
// half-duplex radio would be. Greeted on open like WebSocket. Counted as TCP.
constexpr SessionTraits polled_line{.kind = TransportKind::tcp,
                                    .connection = true,
                                    .delivery = DeliveryPath::mailbox,
                                    .welcomed = true};

// A forgeable, request-per-reply transport: what HTTP is, with UDP's exposure. Counted as HTTP.
constexpr SessionTraits forgeable_requests{.kind = TransportKind::http,
                                           .delivery = DeliveryPath::mailbox,
                                           .forgeable_source = true,
                                           .reply_per_request = true};

}  // namespace

TEST_CASE_METHOD(Fixture, "a datagram transport with a trusted source is answered when refused",
                 "[traits]") {
  auto socket = std::make_shared<RecordingSession>(unix_datagram, "/run/sensor.sock");
  handler.on_frame(socket, "garbage");
  REQUIRE(socket->count() == 1);  // UDP would stay silent
  CHECK(socket->statuses().back() == 400);

  // Found by its address without a session token, and delivered to where it last wrote from.
  auto hello = command("handshake");
  hello.user_id = "sensor";
  REQUIRE(request(socket, hello).code == 200);
  auto later = std::make_shared<RecordingSession>(unix_datagram, "/run/sensor.sock");
  CHECK(request(later, command("rename", "sensor-1")).text == "you are now sensor-1");

  auto tcp = connect(TransportKind::tcp);
  CHECK(request(tcp, addressed("send", "sensor-1", "", "calibrate")).code == 200);
  CHECK(last(later).text == "calibrate");
  CHECK(socket->count() == 2);  // the first datagram's session got only its own answers
}

TEST_CASE_METHOD(Fixture, "a connection whose deliveries wait for poll is welcomed and polled",
                 "[traits]") {
  auto line = std::make_shared<RecordingSession>(polled_line);
  handler.on_open(line);
  REQUIRE(line->count() == 1);  // plain TCP gets no welcome
  CHECK(decoded(line->frames()[0]).cmd == "welcome");
  CHECK(request(line, command("rename", "radio")).code == 200);

  auto ws = connect(TransportKind::websocket);
  const auto before = line->count();
  CHECK(request(ws, addressed("send", "radio", "", "over")).code == 200);
  CHECK(line->count() == before);  // not pushed down the line
  const auto polled = request(line, command("poll"));
  REQUIRE(polled.data.parse()["messages"].size() == 1);
  CHECK(polled.data.parse()["messages"][0]["text"] == "over");

  handler.on_close(*line, gw::transports::Handler::Ending::lost);
  CHECK(request(ws, addressed("send", "radio", "", "gone?")).code == 404);
}

TEST_CASE_METHOD(Fixture, "a forgeable request transport gets no answer to what is refused",
                 "[traits]") {
  auto request_session = std::make_shared<RecordingSession>(forgeable_requests);
  handler.on_frame(request_session, "garbage");
  CHECK(request_session->count() == 0);  // HTTP would get 400

  // What is not a request (a reply nobody awaits) is ignored, as on UDP.
  auto answer = command("");
  answer.code = 200;
  handler.on_frame(request_session, token(answer));
  CHECK(request_session->count() == 0);
  CHECK(gateway.metrics().decode_failures(TransportKind::http,
                                          gw::message::ErrorKind::bad_base64) == 1);

  // A request is answered as any request is.
  CHECK(request(request_session, command("ping")).text == "pong");
}
