#include <atomic>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <gw/message/key_search.hpp>

using gw::message::Fernet;
using gw::message::FernetToken;
using gw::message::KeySearch;

namespace {

std::vector<Fernet> keys_of(std::size_t count) {
  std::vector<Fernet> keys;
  for (std::size_t i = 0; i < count; ++i)
    keys.push_back(Fernet::generate());
  return keys;
}

FernetToken parsed(const std::string& token) {
  auto result = FernetToken::parse(token);
  REQUIRE(result);
  return std::move(*result);
}

}  // namespace

TEST_CASE("a key search finds the key that signed a token, wherever it is", "[key_search]") {
  const auto keys = keys_of(50);
  const KeySearch search(keys);
  CHECK(search.size() == 50);
  for (const std::size_t i : {0, 1, 17, 49})
    CHECK(search.find(parsed(keys[i].encrypt("hello"))) == i);
  CHECK_FALSE(search.find(parsed(Fernet::generate().encrypt("hello"))));
}

TEST_CASE("a key search looks at the MAC alone", "[key_search]") {
  const auto keys = keys_of(3);
  const KeySearch search(keys);
  // Expired long ago, yet signed by key 2: the search says whose it is, opening it judges age.
  CHECK(search.find(parsed(keys[2].encrypt("old", 1000))) == 2);
  auto altered = keys[1].encrypt("x");
  altered[60] = altered[60] == 'A' ? 'B' : 'A';
  CHECK_FALSE(search.find(parsed(altered)));
  CHECK_FALSE(KeySearch(std::vector<Fernet>{}).find(parsed(keys[0].encrypt("x"))));
}

TEST_CASE("a key search is shared by threads", "[key_search][threads]") {
  const auto keys = keys_of(40);
  const KeySearch search(keys);
  // Parsed here: Catch's assertions are for the test's own thread only.
  std::vector<FernetToken> tokens;
  for (const auto& key : keys)
    tokens.push_back(parsed(key.encrypt("x")));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (std::size_t round = 0; round < 200; ++round) {
        const std::size_t i = (round * 7 + static_cast<std::size_t>(t)) % keys.size();
        if (search.find(tokens[i]) != i) ++failures;
      }
    });
  for (auto& thread : threads)
    thread.join();
  CHECK(failures == 0);
}
