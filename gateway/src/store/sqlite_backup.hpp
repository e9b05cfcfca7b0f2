#pragma once

#include <filesystem>
#include <functional>

#include <gw/gateway/store.hpp>

#include "sqlite_database.hpp"

struct sqlite3;
struct sqlite3_backup;

namespace gw::gateway {

// A copy of a database made with SQLite's online backup, a few pages per step, so that the
// writer thread can go on committing between steps; what that thread writes meanwhile goes into
// the copy too (SQLite follows changes made through the source's own connection). The copy is
// written to FILE.partial and renamed to FILE once complete, so that a file under the final
// name is always a whole database. Used on the writer thread only.
class SqliteBackup {
 public:
  using Done = std::function<void(BackupResult)>;

  // Refuses at once (through `done`) when `file` exists or cannot be made.
  SqliteBackup(SqliteDatabase& source, std::filesystem::path file, Done done);
  ~SqliteBackup();
  SqliteBackup(const SqliteBackup&) = delete;
  SqliteBackup& operator=(const SqliteBackup&) = delete;

  // Copies the next pages; true once the backup is over, made or not (`done` was called).
  bool step();

 private:
  void finish(BackupResult result);
  void close();

  SqliteDatabase& source_;
  std::filesystem::path file_;
  std::filesystem::path partial_;
  Done done_;
  sqlite3* copy_ = nullptr;
  sqlite3_backup* backup_ = nullptr;
};

}  // namespace gw::gateway
