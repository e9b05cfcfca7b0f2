#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace gw::gateway {

// Why the store could not start or write, in words that name the file and the fix.
class StoreError : public std::runtime_error {
 public:
  StoreError(std::string text, int code) : std::runtime_error(std::move(text)), code_(code) {}
  // SQLite's primary result code (SQLITE_FULL, SQLITE_BUSY, ...).
  int code() const noexcept { return code_; }

 private:
  int code_;
};

class SqliteStatement;
class SqliteBackup;

// One connection to a SQLite database file. Not thread-safe: the store's writer thread owns it
// once the store has started.
class SqliteDatabase {
 public:
  explicit SqliteDatabase(const std::filesystem::path& file);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  void exec(std::string_view sql);
  SqliteStatement prepare(std::string_view sql);
  const std::filesystem::path& file() const noexcept { return file_; }
  // Throws StoreError naming `doing` and the file unless `code` is SQLITE_OK, _ROW or _DONE.
  int check(int code, std::string_view doing) const;

 private:
  friend class SqliteStatement;
  friend class SqliteBackup;
  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

// A prepared statement, reset after each `run` or when its rows are read to the end.
class SqliteStatement {
 public:
  SqliteStatement(SqliteDatabase& database, sqlite3_stmt* statement, std::string sql);
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;

  // Parameters count from 1, as in SQL.
  SqliteStatement& bind(int index, std::string_view text);
  SqliteStatement& bind(int index, std::int64_t number);
  // Runs a statement that returns no rows.
  void run();
  // Steps to the next row; false at the end (and the statement is reset).
  bool next();
  std::string text(int column) const;  // columns count from 0
  std::int64_t number(int column) const;

 private:
  void reset();
  SqliteDatabase& database_;
  sqlite3_stmt* statement_;
  std::string sql_;
};

}  // namespace gw::gateway
