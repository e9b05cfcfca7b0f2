#pragma once

#include <memory>

#include <gw/gateway/storage_options.hpp>
#include <gw/gateway/store.hpp>

namespace gw::gateway {

// Sessions, mailboxes, retained messages and topic history in one SQLite database (WAL), written by
// one thread with group commit; a restart, or a crash of the process, loses nothing it committed.
// Throws std::runtime_error naming the file and the fix when the database cannot be opened, is not
// one of gw's, is from a newer gw, or is in use by another gatewayd.
class SqliteStore final : public Store {
 public:
  // `options.file` as it is (the daemon resolves it against the data directory).
  explicit SqliteStore(const StorageOptions& options);
  ~SqliteStore() override;

  std::unique_ptr<Mailbox> open_mailbox(const std::string& client_id,
                                        const SessionLimits& limits) override;
  std::vector<SavedSession> saved_sessions() override;
  void save_session(const SavedSession& session) override;
  void forget_session(const std::string& id) override;
  std::vector<std::pair<std::string, message::Message>> retained_messages() override;
  void keep_retained(const std::string& topic, const message::Message& message) override;
  void forget_retained(const std::string& topic) override;
  std::vector<HistoryEntry> history_entries() override;
  std::vector<HistoryTrim> history_trims() override;
  void keep_history(const HistoryEntry& entry) override;
  void trim_history(const HistoryTrim& trim) override;
  std::uint64_t write_position() override;
  void when_committed(std::uint64_t since, std::function<void(bool stored)> done) override;
  // Into DATABASE_DIR/backups/NAME, a few pages at a time between the writer's batches.
  void back_up(const std::string& name, std::function<void(BackupResult)> done) override;
  std::string describe() const override;

  // Made when the database is, so that a new database (history lost) can be told from the old.
  const std::string& epoch() const override;

 private:
  class State;
  std::unique_ptr<State> state_;
};

}  // namespace gw::gateway
