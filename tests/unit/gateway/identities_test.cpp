// Who sent a token: the key it is under says so, whether the shared key's or a device's own,
// and the refusal of a token whose key was found still says whose it is.
#include <catch2/catch.hpp>

#include <gw/gateway/identities.hpp>

using gw::gateway::Device;
using gw::gateway::Identities;
using gw::gateway::Identity;
using gw::gateway::Permissions;
using gw::message::Codec;
using gw::message::ErrorKind;
using gw::message::Fernet;
using gw::message::KeyRing;
using gw::message::Message;

namespace {

constexpr gw::message::UnixSeconds t0 = 1'700'000'000;

struct Fixture {
  Fernet shared_key = Fernet::generate();
  Codec codec{KeyRing({shared_key})};
  std::vector<Device> devices;
  std::shared_ptr<const Identity> shared =
      std::make_shared<const Identity>("", std::nullopt, Permissions::everything_but_admin());

  Fixture() {
    for (const char* name : {"kitchen-sensor", "wall-panel", "printer"})
      devices.emplace_back(name, Fernet::generate());
  }
  std::string token(const Fernet& key, const std::string& cmd = "ping") const {
    Message m;
    m.cmd = cmd;
    return key.encrypt(*m.to_json(), t0);
  }
};

}  // namespace

TEST_CASE("the key a token is under is who sent it", "[identities]") {
  Fixture f;
  const Identities identities(f.shared, f.devices);
  auto from_shared = identities.read(f.codec, f.token(f.shared_key), t0);
  REQUIRE(from_shared.decoded);
  CHECK(from_shared.identity == f.shared);
  CHECK_FALSE(from_shared.identity->device());
  CHECK(from_shared.identity->label() == "the shared key");
  for (const auto& device : f.devices) {
    auto read = identities.read(f.codec, f.token(device.key, "whoami"), t0);
    REQUIRE(read.decoded);
    REQUIRE(read.identity);
    CHECK(read.identity->name == device.name);
    CHECK(read.identity->device());
    CHECK(read.decoded->message.cmd == "whoami");
    CHECK(read.identity == identities.device(device.name));
  }
  auto stranger = identities.read(f.codec, f.token(Fernet::generate()), t0);
  CHECK_FALSE(stranger.identity);
  CHECK(stranger.decoded.error().kind == ErrorKind::bad_mac);
  CHECK(identities.device("nobody") == nullptr);
}

TEST_CASE("the devices named first are tried first, and a wrong name costs only a try",
          "[identities]") {
  Fixture f;
  const Identities identities(f.shared, f.devices);
  const std::vector<std::string> hints{"printer", "gone", "wall-panel"};
  CHECK(identities.read(f.codec, f.token(f.devices[1].key), t0, hints).identity->name ==
        "wall-panel");
  CHECK(identities.read(f.codec, f.token(f.devices[0].key), t0, hints).identity->name ==
        "kitchen-sensor");
  CHECK(identities.read(f.codec, f.token(f.shared_key), t0, hints).identity == f.shared);
}

TEST_CASE("a token refused after its key was found still says whose it is", "[identities]") {
  Fixture f;
  const Identities identities(f.shared, f.devices);
  auto expired = identities.read(f.codec, f.token(f.devices[2].key), t0 + 1000);
  CHECK(expired.identity->name == "printer");
  CHECK(expired.decoded.error().kind == ErrorKind::expired);
  auto not_json = identities.read(f.codec, f.devices[0].key.encrypt("{oops", t0), t0);
  CHECK(not_json.identity->name == "kitchen-sensor");
  CHECK(not_json.decoded.error().kind == ErrorKind::not_json);
  auto garbage = identities.read(f.codec, "not a token", t0);
  CHECK_FALSE(garbage.identity);
  CHECK(garbage.decoded.error().kind == ErrorKind::bad_base64);
}

TEST_CASE("with the shared key refused, only devices are read", "[identities]") {
  Fixture f;
  const Identities identities(nullptr, f.devices);
  auto shared = identities.read(f.codec, f.token(f.shared_key), t0);
  CHECK_FALSE(shared.identity);
  CHECK(shared.decoded.error().kind == ErrorKind::bad_mac);
  CHECK(shared.decoded.error().text ==
        "this gateway takes tokens under a device's own key only ([shared_key] enabled = false)");
  CHECK(identities.read(f.codec, f.token(f.devices[0].key), t0).identity->name == "kitchen-sensor");
}
