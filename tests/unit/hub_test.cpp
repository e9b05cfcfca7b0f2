#include <catch2/catch.hpp>

#include <gw/gateway/hub.hpp>

namespace {

using gw::transports::Frame;
using gw::transports::TransportKind;

class CountingSession final : public gw::transports::Session {
 public:
  explicit CountingSession(TransportKind kind) : Session(kind, "peer") {}
  void send(Frame frame) override {
    last = std::move(frame);
    ++sent;
  }
  void close() override {}
  Frame last;
  int sent = 0;
};

}  // namespace

TEST_CASE("the hub sends one frame object to the sessions of a transport", "[hub]") {
  gw::gateway::Hub hub;
  auto ws1 = std::make_shared<CountingSession>(TransportKind::websocket);
  auto ws2 = std::make_shared<CountingSession>(TransportKind::websocket);
  auto tcp = std::make_shared<CountingSession>(TransportKind::tcp);
  for (const auto& s : {ws1, ws2, tcp})
    hub.add(s);
  CHECK(hub.count(TransportKind::websocket) == 2);
  CHECK(hub.count(TransportKind::tcp) == 1);

  const auto frame = std::make_shared<const std::string>("token");
  CHECK(hub.send_to_all(TransportKind::websocket, frame) == 2);
  CHECK(ws1->last == frame);  // the same object, not a copy
  CHECK(ws2->last == frame);
  CHECK(tcp->sent == 0);

  hub.remove(*ws1);
  ws2.reset();  // gone without remove(): the hub holds no ownership
  CHECK(hub.send_to_all(TransportKind::websocket, frame) == 0);
  CHECK(hub.count(TransportKind::websocket) == 0);
}

TEST_CASE("client ids are stable and distinct", "[hub]") {
  CountingSession a(TransportKind::udp), b(TransportKind::udp);
  CHECK(gw::gateway::client_id(a) == gw::gateway::client_id(a));
  CHECK(gw::gateway::client_id(a) != gw::gateway::client_id(b));
  CHECK(gw::gateway::client_id(a).rfind("c", 0) == 0);
}
