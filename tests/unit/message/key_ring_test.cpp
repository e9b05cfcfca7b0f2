#include <catch2/catch.hpp>

#include <gw/message/base64url.hpp>
#include <gw/message/key_ring.hpp>

using gw::message::ErrorKind;
using gw::message::Fernet;
using gw::message::FernetToken;
using gw::message::KeyRing;
using std::chrono::seconds;

TEST_CASE("the first key encrypts and every key decrypts", "[key_ring]") {
  const Fernet old_key = Fernet::generate();
  const Fernet new_key = Fernet::generate();
  const KeyRing ring({new_key, old_key});

  const auto token = ring.encrypt("hello");
  CHECK(*new_key.decrypt(token, seconds{60}) == "hello");
  CHECK_FALSE(old_key.decrypt(token, seconds{60}));
  CHECK(*ring.decrypt(old_key.encrypt("from before"), seconds{60}) == "from before");
}

TEST_CASE("a token under no key of the ring says so", "[key_ring]") {
  const KeyRing ring({Fernet::generate(), Fernet::generate()});
  auto plaintext = ring.decrypt(Fernet::generate().encrypt("x"), seconds{60});
  REQUIRE_FALSE(plaintext);
  CHECK(plaintext.error().kind == ErrorKind::bad_mac);
  CHECK(plaintext.error().text ==
        "token matches none of the 2 keys (HMAC mismatch): the key is wrong or the token was "
        "altered");
}

TEST_CASE("an authentic but expired token is reported as expired, not tried further",
          "[key_ring]") {
  const Fernet old_key = Fernet::generate();
  const KeyRing ring({Fernet::generate(), old_key});
  auto plaintext = ring.decrypt(old_key.encrypt("x", 1000), seconds{60}, 2000);
  REQUIRE_FALSE(plaintext);
  CHECK(plaintext.error().kind == ErrorKind::expired);
}

TEST_CASE("rotate re-encrypts under the first key and keeps the timestamp", "[key_ring]") {
  const Fernet old_key = Fernet::generate();
  const Fernet new_key = Fernet::generate();
  const KeyRing ring({new_key, old_key});

  // Old enough to be expired under any TTL: rotation ignores age, as MultiFernet.rotate does.
  const auto original = old_key.encrypt("keep me", 1000);
  auto rotated = ring.rotate(original);
  REQUIRE(rotated);
  CHECK(*new_key.decrypt(*rotated, seconds{0}) == "keep me");
  CHECK_FALSE(old_key.decrypt(*rotated, seconds{0}));
  CHECK(FernetToken::parse(*rotated)->timestamp() == 1000);

  auto stranger = ring.rotate(Fernet::generate().encrypt("x"));
  REQUIRE_FALSE(stranger);
  CHECK(stranger.error().kind == ErrorKind::bad_mac);
}

TEST_CASE("from_keys names the key that is wrong", "[key_ring]") {
  const std::vector<std::string> keys = {Fernet::generate().key(), "nope"};
  auto ring = KeyRing::from_keys(keys);
  REQUIRE_FALSE(ring);
  CHECK(ring.error().kind == ErrorKind::bad_key);
  CHECK(ring.error().text == "key 2: a Fernet key is 44 characters of base64url; this one has 4");
  CHECK(KeyRing::from_keys({}).error().text == "no key given");
  CHECK_THROWS_AS(KeyRing(std::vector<Fernet>{}), std::invalid_argument);
}
