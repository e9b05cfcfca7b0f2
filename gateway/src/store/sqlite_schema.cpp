#include "sqlite_schema.hpp"

#include <array>
#include <string_view>

namespace gw::gateway {

namespace {

// Step i takes the schema from version i to i + 1. Steps are only ever added.
constexpr std::array<std::string_view, sqlite_schema_version> migrations = {
    // 1: sessions and their mailboxes. A mailbox row belongs to the session with its client
    // id; acked_below is the number below which the client's messages are all gone, so that
    // numbering goes on from there after a restart.
    R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  token TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  address TEXT NOT NULL,
  subscriptions TEXT NOT NULL,
  admin INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  acked_below INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;
CREATE TABLE mailbox (
  client TEXT NOT NULL,
  seq INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (client, seq)
) WITHOUT ROWID;
)sql",
    // 2: each topic's retained message, as JSON.
    R"sql(
CREATE TABLE retained (topic TEXT PRIMARY KEY, message TEXT NOT NULL) WITHOUT ROWID;
)sql",
    // 3: topic history, numbered by offset over every topic, and each topic's last trim (the
    // offset and time of the newest publication it no longer holds).
    R"sql(
CREATE TABLE history (
  offset INTEGER PRIMARY KEY,
  topic TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX history_by_topic ON history (topic, offset);
CREATE TABLE history_trims (
  topic TEXT PRIMARY KEY,
  offset INTEGER NOT NULL,
  time_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 4: how many of a session's messages were lost (its mailbox full) that no poll has
    // reported yet, so that a restart does not make the loss silent.
    R"sql(
ALTER TABLE sessions ADD COLUMN lost INTEGER NOT NULL DEFAULT 0;
)sql",
    // 5: the device whose session it is (empty: the shared key's), so that a restored session
    // is its device's again, and ends if the device has gone from the devices file.
    R"sql(
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT '';
)sql",
};

int user_version(SqliteDatabase& database) {
  auto query = database.prepare("PRAGMA user_version");
  const auto version = query.next() ? static_cast<int>(query.number(0)) : 0;
  while (query.next()) {
  }
  return version;
}

}  // namespace

void migrate_sqlite_schema(SqliteDatabase& database) {
  const auto found = user_version(database);
  if (found > sqlite_schema_version)
    throw StoreError("the database " + database.file().string() +
                         " was written by a newer gatewayd (schema " + std::to_string(found) +
                         "; this one knows up to " + std::to_string(sqlite_schema_version) +
                         "): run that version, or restore a backup made with this one",
                     0);
  for (auto version = found; version < sqlite_schema_version; ++version) {
    database.exec("BEGIN IMMEDIATE");
    database.exec(migrations[static_cast<std::size_t>(version)]);
    database.exec("PRAGMA user_version = " + std::to_string(version + 1));
    database.exec("COMMIT");
  }
}

}  // namespace gw::gateway
