#include "sqlite_database.hpp"

#include <sqlite3.h>

namespace gw::gateway {

SqliteDatabase::SqliteDatabase(const std::filesystem::path& file) : file_(file) {
  const auto opened =
      sqlite3_open_v2(file.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (opened != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(opened);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open the database " + file.string() + ": " + why +
                         "; check that the data directory exists and this user may write to it",
                     opened & 0xff);
  }
  sqlite3_extended_result_codes(db_, 0);
}

SqliteDatabase::~SqliteDatabase() {
  sqlite3_close_v2(db_);
}

int SqliteDatabase::check(int code, std::string_view doing) const {
  if (code == SQLITE_OK || code == SQLITE_ROW || code == SQLITE_DONE) return code;
  throw StoreError(std::string(doing) + " in " + file_.string() + ": " + sqlite3_errmsg(db_),
                   code & 0xff);
}

void SqliteDatabase::exec(std::string_view sql) {
  check(sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, nullptr), sql);
}

SqliteStatement SqliteDatabase::prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  check(sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &statement, nullptr),
        sql);
  return SqliteStatement(*this, statement, std::string(sql));
}

SqliteStatement::SqliteStatement(SqliteDatabase& database, sqlite3_stmt* statement, std::string sql)
    : database_(database), statement_(statement), sql_(std::move(sql)) {}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : database_(other.database_), statement_(other.statement_), sql_(std::move(other.sql_)) {
  other.statement_ = nullptr;
}

SqliteStatement::~SqliteStatement() {
  sqlite3_finalize(statement_);
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  database_.check(sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                                    SQLITE_TRANSIENT),
                  sql_);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t number) {
  database_.check(sqlite3_bind_int64(statement_, index, number), sql_);
  return *this;
}

void SqliteStatement::run() {
  const auto code = sqlite3_step(statement_);
  reset();
  database_.check(code, sql_);
}

bool SqliteStatement::next() {
  const auto code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  reset();
  database_.check(code, sql_);
  return false;
}

std::string SqliteStatement::text(int column) const {
  const auto* bytes = sqlite3_column_text(statement_, column);
  const auto size = sqlite3_column_bytes(statement_, column);
  return bytes ? std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size))
               : std::string();
}

std::int64_t SqliteStatement::number(int column) const {
  return sqlite3_column_int64(statement_, column);
}

void SqliteStatement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

}  // namespace gw::gateway
