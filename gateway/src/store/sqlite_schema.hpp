#pragma once

#include "sqlite_database.hpp"

namespace gw::gateway {

// The schema's version this gatewayd writes (SQLite's user_version).
inline constexpr int sqlite_schema_version = 5;

// Brings the database to sqlite_schema_version, each step in its own transaction; refuses a
// database from a newer gatewayd.
void migrate_sqlite_schema(SqliteDatabase& database);

}  // namespace gw::gateway
