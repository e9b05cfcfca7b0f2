// The dispatcher on socket-free sessions: token bytes in, replies out. The first byte picks the
// transport; when the second byte is odd, the rest is a plaintext message that the target
// encrypts under the gateway's key (so that commands run), else the rest is the token itself.
// One gateway serves every input, so sessions, names and subscriptions accumulate as they would.
#include <cstdint>
#include <memory>
#include <string>

#include <gw/gateway/gateway.hpp>
#include <gw/message/fernet.hpp>

namespace {

using gw::transports::TransportKind;

class DiscardingSession final : public gw::transports::Session {
 public:
  DiscardingSession(TransportKind kind, std::string address) : Session(kind, std::move(address)) {}
  void send(gw::transports::Frame frame) override { bytes_ += frame->size(); }
  void close() override {}

 private:
  std::size_t bytes_ = 0;
};

gw::gateway::Gateway& gateway() {
  static auto* instance = [] {
    gw::gateway::ServerInfo server;
    server.name = "fuzz";
    server.id = "fuzz";
    server.version = "0";
    std::vector<gw::message::Fernet> keys;
    keys.push_back(*gw::message::Fernet::from_key("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="));
    gw::gateway::GatewaySettings settings;
    // No rate limit: every input is read.
    settings.rates = {.session = {0, 0},
                      .address = {0, 0},
                      .undecryptable = {0, 0},
                      .key_search = {0, 0},
                      .tracked_addresses = 1024};
    settings.admin_key = "fuzzing admin key";
    settings.worker_threads = 1;
    return new gw::gateway::Gateway(
        server, gw::message::Codec(gw::message::KeyRing(std::move(keys))), settings);
  }();
  return *instance;
}

// Connections live as long as the target: each input is a frame on one of a few of them.
std::shared_ptr<DiscardingSession> connection(TransportKind kind, unsigned which) {
  static std::vector<std::shared_ptr<DiscardingSession>> open;
  if (open.empty()) {
    for (unsigned i = 0; i < 4; ++i) {
      for (const auto k : {TransportKind::websocket, TransportKind::tcp}) {
        auto session =
            std::make_shared<DiscardingSession>(k, "192.0.2." + std::to_string(i) + ":1");
        gateway().handler().on_open(session);
        open.push_back(std::move(session));
      }
    }
  }
  return open[(which % 4) * 2 + (kind == TransportKind::tcp ? 1 : 0)];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  auto& g = gateway();
  const auto kind = gw::transports::all_transport_kinds[data[0] % 4];
  const std::string rest(reinterpret_cast<const char*>(data + 2), size - 2);
  const std::string frame = data[1] % 2 == 1 ? g.codec().current()->keys().encrypt(rest) : rest;
  std::shared_ptr<gw::transports::Session> session;
  if (kind == TransportKind::websocket || kind == TransportKind::tcp)
    session = connection(kind, data[1] >> 1);
  else
    session = std::make_shared<DiscardingSession>(kind, "192.0.2.9:" + std::to_string(data[1]));
  g.handler().on_frame(session, frame);
  if (data[1] == 0xff) g.tick(std::chrono::steady_clock::now());
  return 0;
}
