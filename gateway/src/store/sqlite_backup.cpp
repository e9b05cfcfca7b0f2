#include "sqlite_backup.hpp"

#include <sqlite3.h>
#include <system_error>

#include <spdlog/spdlog.h>

namespace gw::gateway {

namespace {
// 4 KiB pages: 1 MiB per step keeps the writer's pause short against a group commit.
constexpr int pages_per_step = 256;

BackupResult failure(int sqlite_code, std::string why) {
  return BackupResult::refused(sqlite_code == SQLITE_FULL ? 503 : 500, std::move(why));
}
}  // namespace

SqliteBackup::SqliteBackup(SqliteDatabase& source, std::filesystem::path file, Done done)
    : source_(source), file_(std::move(file)), done_(std::move(done)) {
  partial_ = file_;
  partial_ += ".partial";
  std::error_code error;
  std::filesystem::create_directories(file_.parent_path(), error);
  if (error) {
    finish(failure(SQLITE_CANTOPEN, "cannot make the directory " + file_.parent_path().string() +
                                        ": " + error.message()));
    return;
  }
  if (std::filesystem::exists(file_, error)) {
    finish(BackupResult::refused(409, file_.string() + " exists already; give another name"));
    return;
  }
  std::filesystem::remove(partial_, error);  // left by a backup that a crash cut short
  const auto opened = sqlite3_open_v2(partial_.c_str(), &copy_,
                                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (opened == SQLITE_OK) backup_ = sqlite3_backup_init(copy_, "main", source_.db_, "main");
  if (!backup_) {
    const std::string why = copy_ ? sqlite3_errmsg(copy_) : sqlite3_errstr(opened);
    finish(failure(opened, "cannot write " + partial_.string() + ": " + why));
  }
}

SqliteBackup::~SqliteBackup() {
  if (done_) finish(failure(SQLITE_ABORT, "the backup was cut short: the gateway stopped"));
}

bool SqliteBackup::step() {
  if (!done_) return true;
  const auto result = sqlite3_backup_step(backup_, pages_per_step);
  if (result == SQLITE_OK || result == SQLITE_BUSY || result == SQLITE_LOCKED) return false;
  if (result != SQLITE_DONE) {
    finish(failure(result,
                   "the backup to " + partial_.string() + " failed: " + sqlite3_errstr(result)));
    return true;
  }
  const auto finished = sqlite3_backup_finish(backup_);
  backup_ = nullptr;
  if (finished != SQLITE_OK) {
    finish(failure(finished,
                   "the backup to " + partial_.string() + " failed: " + sqlite3_errmsg(copy_)));
    return true;
  }
  close();
  std::error_code error;
  std::filesystem::rename(partial_, file_, error);
  if (error) {
    finish(failure(SQLITE_IOERR, "cannot rename " + partial_.string() + " to " +
                                     file_.filename().string() + ": " + error.message()));
    return true;
  }
  const auto bytes = std::filesystem::file_size(file_, error);
  spdlog::info("storage: backed up to {} ({} bytes)", file_.string(), bytes);
  finish(BackupResult::made_in(file_.string(), error ? 0 : bytes));
  return true;
}

void SqliteBackup::close() {
  if (backup_) sqlite3_backup_finish(backup_);
  backup_ = nullptr;
  sqlite3_close_v2(copy_);
  copy_ = nullptr;
}

void SqliteBackup::finish(BackupResult result) {
  close();
  if (!result.made()) {
    std::error_code ignored;
    std::filesystem::remove(partial_, ignored);
    spdlog::error("storage: backup not made: {}", result.error);
  }
  auto done = std::move(done_);
  done_ = nullptr;
  done(std::move(result));
}

}  // namespace gw::gateway
