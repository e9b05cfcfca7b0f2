// The SQLite store on a real database file: what one store keeps, the next one opened on the
// file gives back; ended sessions are gone; and the writer says when its changes are written.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <string>

#include <catch2/catch.hpp>

#include <gw/gateway/sqlite_store.hpp>

namespace {

using gw::gateway::Mailbox;
using gw::gateway::SavedSession;
using gw::gateway::SqliteStore;
using gw::gateway::StorageOptions;

struct TemporaryDatabase {
  std::filesystem::path directory =
      std::filesystem::temp_directory_path() /
      ("gw-sqlite-store-" +
       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  TemporaryDatabase() { std::filesystem::create_directories(directory); }
  ~TemporaryDatabase() { std::filesystem::remove_all(directory); }
  StorageOptions options() const {
    StorageOptions options;
    options.file = directory / "gw.db";
    return options;
  }
};

gw::gateway::Delivery delivery(std::string text) {
  auto message = std::make_shared<gw::message::Message>();
  message->text = std::move(text);
  message->topic = "home/kitchen";
  return {std::make_shared<const std::string>(100, 'x'), std::move(message)};
}

SavedSession session(std::string id, std::string name) {
  SavedSession saved;
  saved.id = std::move(id);
  saved.token = "token-of-" + saved.id;
  saved.name = std::move(name);
  saved.kind = gw::transports::TransportKind::udp;
  saved.address = "127.0.0.1:4000";
  saved.subscriptions = {"home/#", "alarms"};
  saved.admin = true;
  saved.last_seen =
      std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'123));
  return saved;
}

bool committed(gw::gateway::Store& store, std::uint64_t since) {
  std::promise<bool> written;
  store.when_committed(since, [&](bool stored) { written.set_value(stored); });
  return written.get_future().get();
}

}  // namespace

TEST_CASE("what one SQLite store kept, the next one opened on its file gives back", "[sqlite]") {
  TemporaryDatabase database;
  const gw::gateway::SessionLimits limits;
  std::string epoch;
  {
    SqliteStore store(database.options());
    epoch = store.epoch();
    CHECK(epoch.size() == 16);
    CHECK(store.saved_sessions().empty());
    const auto since = store.write_position();
    store.save_session(session("c4", "sensor"));
    store.save_session(session("c9", "gone"));
    auto box = store.open_mailbox("c4", limits);
    for (const auto* text : {"1", "2", "3"})
      REQUIRE(box->push(delivery(text)).kept);
    box->acknowledge(1);
    store.forget_session("c9");
    gw::message::Message reading;
    reading.text = "21.5";
    reading.retain = true;
    store.keep_retained("home/kitchen", reading);
    store.keep_retained("home/hall", reading);
    store.forget_retained("home/hall");
    CHECK(committed(store, since));
  }
  SqliteStore again(database.options());
  CHECK(again.epoch() == epoch);  // the same database: the same epoch
  const auto retained = again.retained_messages();
  REQUIRE(retained.size() == 1);
  CHECK(retained[0].first == "home/kitchen");
  CHECK(retained[0].second.text == "21.5");
  CHECK(retained[0].second.retain);
  const auto sessions = again.saved_sessions();
  REQUIRE(sessions.size() == 1);
  const auto& saved = sessions.front();
  const auto expected = session("c4", "sensor");
  CHECK(saved.id == expected.id);
  CHECK(saved.token == expected.token);
  CHECK(saved.name == expected.name);
  CHECK(saved.kind == expected.kind);
  CHECK(saved.address == expected.address);
  CHECK(saved.subscriptions == expected.subscriptions);
  CHECK(saved.admin);
  CHECK(saved.last_seen == expected.last_seen);
  auto box = again.open_mailbox("c4", limits);
  const auto drained = box->peek(0, 1 << 20);
  REQUIRE(drained.entries.size() == 2);
  CHECK(drained.entries[0].seq == 2);
  CHECK(drained.entries[0].message->text == "2");
  CHECK(drained.entries[0].message->topic == "home/kitchen");
  CHECK(drained.entries[1].seq == 3);
  CHECK(drained.entries[0].bytes == 100);
  CHECK(box->push(delivery("4")).kept);
  CHECK(box->next_seq() == 5);
}

TEST_CASE("numbering goes on after a mailbox was emptied and the store reopened", "[sqlite]") {
  TemporaryDatabase database;
  const gw::gateway::SessionLimits limits;
  {
    SqliteStore store(database.options());
    store.save_session(session("c1", "printer"));
    auto box = store.open_mailbox("c1", limits);
    box->push(delivery("1"));
    box->push(delivery("2"));
    box->take(1 << 20);
  }
  SqliteStore again(database.options());
  CHECK(again.saved_sessions().size() == 1);
  auto box = again.open_mailbox("c1", limits);
  CHECK(box->empty());
  CHECK(box->next_seq() == 3);  // an ack=2 held by the client cannot forget a new message
}

TEST_CASE("a second store on the same file is refused while the first is open", "[sqlite]") {
  TemporaryDatabase database;
  SqliteStore first(database.options());
  CHECK_THROWS_WITH(SqliteStore(database.options()),
                    Catch::Contains("in use by another gatewayd") &&
                        Catch::Contains((database.directory / "gw.db").string()));
}

TEST_CASE("a store over its size bound says the new messages were not stored", "[sqlite]") {
  TemporaryDatabase database;
  auto options = database.options();
  options.max_bytes = 64 * 1024;
  SqliteStore store(options);
  gw::gateway::SessionLimits limits;
  limits.mailbox_messages = 100000;
  limits.mailbox_bytes = 1 << 30;
  store.save_session(session("c1", "printer"));
  auto box = store.open_mailbox("c1", limits);
  bool refused = false;
  for (int i = 0; i < 200 && !refused; ++i) {
    const auto since = store.write_position();
    box->push(delivery(std::string(2000, 'a' + static_cast<char>(i % 26))));
    refused = !committed(store, since);
  }
  REQUIRE(refused);
  // Acknowledging frees space: storing goes on.
  box->acknowledge(box->next_seq());
  const auto since = store.write_position();
  box->push(delivery("small"));
  CHECK(committed(store, since));
}

TEST_CASE("a backup holds what was committed before it completed, and opens as a store",
          "[sqlite]") {
  TemporaryDatabase database;
  gw::gateway::SessionLimits limits;
  limits.mailbox_messages = 100'000;
  limits.mailbox_bytes = 1 << 30;
  std::promise<gw::gateway::BackupResult> made;
  std::size_t pushed = 0;
  {
    SqliteStore store(database.options());
    store.save_session(session("c4", "printer"));
    auto box = store.open_mailbox("c4", limits);
    // Some megabytes, so that the copy takes several steps, with writes between them.
    const std::string page(4000, 'p');
    const auto since = store.write_position();
    for (; pushed < 1000; ++pushed)
      REQUIRE(box->push(delivery(page + std::to_string(pushed))).kept);
    REQUIRE(committed(store, since));
    store.back_up("copy.db", [&](gw::gateway::BackupResult result) { made.set_value(result); });
    for (; pushed < 1200; ++pushed)
      REQUIRE(box->push(delivery(page + std::to_string(pushed))).kept);
    // Destroying the store commits what is queued and finishes the copy first.
  }
  const auto result = made.get_future().get();
  REQUIRE(result.made());
  const auto file = database.directory / "backups" / "copy.db";
  CHECK(result.file == file.string());
  CHECK(result.bytes == std::filesystem::file_size(file));
  CHECK(result.bytes > 4'000'000);
  CHECK_FALSE(std::filesystem::exists(file.string() + ".partial"));

  auto options = database.options();
  options.file = file;
  SqliteStore restored(options);
  auto box = restored.open_mailbox("c4", limits);
  // Whatever was pushed before the copy completed, in order, from the first.
  const auto kept = box->peek(0, std::size_t{1} << 30);
  REQUIRE(kept.entries.size() >= 1000);
  for (std::size_t i = 0; i < kept.entries.size(); ++i)
    CHECK(kept.entries[i].message->text == std::string(4000, 'p') + std::to_string(i));

  // A name taken is refused, not overwritten.
  const auto backup_of_restored = [&restored](const std::string& name) {
    std::promise<gw::gateway::BackupResult> done;
    restored.back_up(name, [&](gw::gateway::BackupResult r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  };
  CHECK(backup_of_restored("twice.db").made());
  const auto refused = backup_of_restored("twice.db");
  CHECK_FALSE(refused.made());
  CHECK(refused.code == 409);
  CHECK_THAT(refused.error, Catch::Contains("exists already"));
}

TEST_CASE("messages lost to a full mailbox are still reported after a restart", "[sqlite]") {
  TemporaryDatabase database;
  gw::gateway::SessionLimits limits;
  limits.mailbox_messages = 2;
  {
    SqliteStore store(database.options());
    const auto since = store.write_position();
    store.save_session(session("c4", "printer"));
    auto box = store.open_mailbox("c4", limits);
    for (const auto* text : {"1", "2", "3", "4", "5"})
      REQUIRE(box->push(delivery(text)).kept);  // the oldest three are pushed out
    CHECK(committed(store, since));
  }
  {
    SqliteStore again(database.options());
    auto box = again.open_mailbox("c4", limits);
    const auto drained = box->peek(0, 1 << 20);
    CHECK(drained.lost == 3);
    REQUIRE(drained.entries.size() == 2);
    CHECK(drained.entries[0].message->text == "4");
    CHECK(committed(again, 0));
  }
  // Reported once: the next run has nothing more to report.
  SqliteStore third(database.options());
  CHECK(third.open_mailbox("c4", limits)->peek(0, 1 << 20).lost == 0);
}
