#include <limits>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <gw/message/base64url.hpp>
#include <gw/message/fernet.hpp>

using gw::message::ErrorKind;
using gw::message::Fernet;
using std::chrono::seconds;

namespace {

constexpr const char* spec_key = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
constexpr gw::message::UnixSeconds t0 = 1'700'000'000;

Fernet spec_fernet() {
  auto fernet = Fernet::from_key(spec_key);
  REQUIRE(fernet);
  return *fernet;
}

gw::message::Error refusal(const Fernet& fernet, std::string_view token, seconds ttl,
                           gw::message::UnixSeconds now) {
  auto plaintext = fernet.decrypt(token, ttl, now);
  REQUIRE_FALSE(plaintext);
  return plaintext.error();
}

// A token re-encoded after flipping the low bit of one raw byte.
std::string with_bit_flipped(const std::string& token, std::size_t index) {
  auto raw = gw::message::base64url::decode(token);
  REQUIRE(raw);
  (*raw)[index] ^= 0x01;
  return gw::message::base64url::encode(*raw);
}

}  // namespace

TEST_CASE("keys are parsed strictly with errors that say what is wrong", "[fernet][key]") {
  CHECK(Fernet::from_key(spec_key)->key() == spec_key);
  CHECK(Fernet::from_key(std::string(" ") + spec_key + "\n")->key() == spec_key);

  auto short_key = Fernet::from_key("abc=");
  REQUIRE_FALSE(short_key);
  CHECK(short_key.error().kind == ErrorKind::bad_key);
  CHECK(short_key.error().text == "a Fernet key is 44 characters of base64url; this one has 4");

  std::string standard = spec_key;
  standard[2] = '/';
  auto slash = Fernet::from_key(standard);
  REQUIRE_FALSE(slash);
  CHECK(slash.error().kind == ErrorKind::bad_key);
  CHECK(slash.error().text ==
        "the Fernet key is not invalid base64url at position 2: '/' is standard base64, not "
        "base64url (use '-' and '_')");
}

TEST_CASE("generated keys are 44 characters, distinct, and usable", "[fernet][key]") {
  const Fernet a = Fernet::generate();
  const Fernet b = Fernet::generate();
  CHECK(a.key().size() == 44);
  CHECK(a.key() != b.key());
  CHECK(Fernet::from_key(a.key())->key() == a.key());
  CHECK(*a.decrypt(a.encrypt("hello"), seconds{60}) == "hello");
}

TEST_CASE("encryption round-trips and draws a fresh IV each time", "[fernet]") {
  const Fernet fernet = Fernet::generate();
  for (const std::string& plaintext :
       {std::string(), std::string("x"), std::string(15, 'a'), std::string(16, 'b'),
        std::string(17, 'c'), std::string(70000, '\0')}) {
    const auto token = fernet.encrypt(plaintext, t0);
    CHECK(*fernet.decrypt(token, seconds{60}, t0) == plaintext);
  }
  CHECK(fernet.encrypt("same", t0) != fernet.encrypt("same", t0));
}

TEST_CASE("the time-to-live and clock skew follow cryptography's rules", "[fernet][time]") {
  const Fernet fernet = Fernet::generate();
  const auto token = fernet.encrypt("hi", t0);

  CHECK(fernet.decrypt(token, seconds{100}, t0 + 100));  // exactly ttl old: still valid
  const auto expired = refusal(fernet, token, seconds{100}, t0 + 101);
  CHECK(expired.kind == ErrorKind::expired);
  CHECK(expired.text ==
        "token expired: made 101 seconds ago, the time-to-live is 100 seconds (is the sender's "
        "clock slow?)");

  CHECK(fernet.decrypt(token, seconds{100}, t0 - 60));  // 60 s ahead: allowed skew
  const auto future = refusal(fernet, token, seconds{100}, t0 - 61);
  CHECK(future.kind == ErrorKind::from_future);
  CHECK(future.text ==
        "token is dated 61 seconds ahead of this clock (at most 60 allowed): the sender's clock "
        "is fast");

  // Timestamps beyond the signed range are judged without overflow.
  const auto far = fernet.encrypt("hi", std::numeric_limits<std::int64_t>::min());
  const auto far_error = refusal(fernet, far, seconds{100}, t0);
  CHECK(far_error.kind == ErrorKind::from_future);
  CHECK(far_error.text ==
        "token is dated 9223372035154775808 seconds ahead of this clock (at most 60 allowed): "
        "the sender's clock is fast");

  // ttl 0 turns both checks off, as ttl=None does in Python.
  CHECK(fernet.decrypt(token, seconds{0}, t0 + 10'000'000));
  CHECK(fernet.decrypt(token, seconds{0}, t0 - 10'000'000));
}

TEST_CASE("forged and malformed tokens are refused with their reason", "[fernet]") {
  const Fernet fernet = spec_fernet();
  const auto token = fernet.encrypt("secret", t0);

  SECTION("wrong key") {
    const auto error = refusal(Fernet::generate(), token, seconds{60}, t0);
    CHECK(error.kind == ErrorKind::bad_mac);
    CHECK(error.text ==
          "token does not match the key (HMAC mismatch): the key is wrong or the token was "
          "altered");
  }
  SECTION("a ciphertext byte altered") {
    CHECK(refusal(fernet, with_bit_flipped(token, 30), seconds{60}, t0).kind == ErrorKind::bad_mac);
  }
  SECTION("the timestamp altered: the MAC catches it before the age is judged") {
    CHECK(refusal(fernet, with_bit_flipped(token, 8), seconds{60}, t0).kind == ErrorKind::bad_mac);
  }
  SECTION("wrong version") {
    const auto error = refusal(fernet, with_bit_flipped(token, 0), seconds{60}, t0);
    CHECK(error.kind == ErrorKind::bad_version);
    CHECK(error.text == "token version is 0x81, not 0x80: not a Fernet token");
  }
  SECTION("truncated") {
    const auto error = refusal(fernet, token.substr(0, 64), seconds{60}, t0);
    CHECK(error.kind == ErrorKind::too_short);
    CHECK(error.text == "token is 48 bytes; a Fernet token has at least 73");
  }
  SECTION("no ciphertext at all") {
    auto raw = gw::message::base64url::decode(token);
    REQUIRE(raw);
    raw->erase(raw->begin() + 25, raw->begin() + 41);
    const auto error = refusal(fernet, gw::message::base64url::encode(*raw), seconds{60}, t0);
    CHECK(error.kind == ErrorKind::bad_length);
    CHECK(error.text == "token has no ciphertext; even an empty plaintext is one 16-byte block");
  }
  SECTION("not base64url") {
    CHECK(refusal(fernet, "not a token!", seconds{60}, t0).kind == ErrorKind::bad_base64);
  }
  SECTION("ciphertext not a whole number of blocks") {
    auto raw = gw::message::base64url::decode(token);
    REQUIRE(raw);
    raw->insert(raw->begin() + 30, 0x00);
    const auto error = refusal(fernet, gw::message::base64url::encode(*raw), seconds{60}, t0);
    CHECK(error.kind == ErrorKind::bad_length);
    CHECK(error.text == "token ciphertext is 17 bytes, not a whole number of 16-byte blocks");
  }
  SECTION("surrounding whitespace is accepted, as curl and shells add it") {
    CHECK(*fernet.decrypt("\r\n " + token + "\n", seconds{60}, t0) == "secret");
  }
}

TEST_CASE("many keys on many threads keep their own contexts apart", "[fernet][threads]") {
  // More keys than a thread caches (32), so contexts are evicted and re-keyed while in use.
  std::vector<Fernet> keys;
  for (int i = 0; i < 37; ++i)
    keys.push_back(Fernet::generate());
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i < keys.size(); ++i)
    tokens.push_back(keys[i].encrypt(std::to_string(i), t0));

  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 500; ++round) {
        const std::size_t i = std::size_t(round * 3 + t) % keys.size();
        const auto again = keys[i].encrypt(std::to_string(i), t0);
        const auto a = keys[i].decrypt(tokens[i], seconds{60}, t0);
        const auto b = keys[i].decrypt(again, seconds{60}, t0);
        const auto other = keys[(i + 1) % keys.size()].decrypt(tokens[i], seconds{60}, t0);
        if (!a || *a != std::to_string(i) || !b || *b != std::to_string(i) || other) ++failures;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  CHECK(failures == 0);
}

namespace {

std::string iv_of(const std::string& token) {
  auto parsed = gw::message::FernetToken::parse(token);
  REQUIRE(parsed);
  return {parsed->iv().begin(), parsed->iv().end()};
}

}  // namespace

TEST_CASE("IVs are never handed out twice", "[fernet][iv]") {
  const Fernet fernet = Fernet::generate();
  std::set<std::string> seen;
  // Several batches' worth, so refills are crossed too.
  for (int i = 0; i < 2000; ++i)
    CHECK(seen.insert(iv_of(fernet.encrypt("x", t0))).second);
}

TEST_CASE("a forked child does not repeat its parent's IVs", "[fernet][iv]") {
  const Fernet fernet = Fernet::generate();
  (void)fernet.encrypt("x", t0);  // the parent's batch now holds unused random bytes

  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const auto iv = iv_of(fernet.encrypt("x", t0));
    const bool sent = ::write(pipe_fds[1], iv.data(), iv.size()) == ssize_t(iv.size());
    ::_exit(sent ? 0 : 1);
  }
  const auto parent_iv = iv_of(fernet.encrypt("x", t0));
  std::string child_iv(16, '\0');
  const ssize_t got = ::read(pipe_fds[0], child_iv.data(), child_iv.size());
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  REQUIRE(got == 16);
  REQUIRE(WIFEXITED(status));
  CHECK(child_iv != parent_iv);
}
