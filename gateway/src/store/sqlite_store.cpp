#include <map>
#include <mutex>
#include <optional>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include <gw/gateway/sqlite_store.hpp>

#include "sqlite_backup.hpp"
#include "sqlite_database.hpp"
#include "sqlite_schema.hpp"
#include "sqlite_writer.hpp"

namespace gw::gateway {

namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// The kind a session row names (as to_string writes it); HTTP for a name this build lacks.
transports::TransportKind transport_kind(const std::string& name) {
  for (const auto kind : transports::all_transport_kinds)
    if (transports::to_string(kind) == name) return kind;
  return transports::TransportKind::http;
}

std::int64_t unix_ms(system_clock::time_point time) {
  return std::chrono::duration_cast<milliseconds>(time.time_since_epoch()).count();
}

// The start-up checks, each failure in words that say what to do.
void take_ownership(SqliteDatabase& database) {
  const auto file = database.file().string();
  try {
    database.exec("PRAGMA schema_version");
    // Held until the gateway stops: a second gatewayd on the same data directory is refused.
    database.exec("PRAGMA locking_mode = EXCLUSIVE");
    database.exec("BEGIN IMMEDIATE");
    database.exec("COMMIT");
  } catch (const StoreError& error) {
    if (error.code() == SQLITE_BUSY || error.code() == SQLITE_LOCKED)
      throw StoreError(file +
                           " is in use by another gatewayd (or another program): stop it, or "
                           "give this one another data directory (--data-dir)",
                       error.code());
    if (error.code() == SQLITE_NOTADB || error.code() == SQLITE_CORRUPT)
      throw StoreError(file +
                           " is not a gw database, or is damaged: move it aside and gatewayd "
                           "starts a new one (sessions and mailboxes start empty), or restore "
                           "a backup",
                       error.code());
    throw;
  }
  auto check = database.prepare("PRAGMA quick_check");
  const std::string verdict = check.next() ? check.text(0) : "no answer";
  while (check.next()) {
  }
  if (verdict != "ok")
    throw StoreError(file + " is damaged (" + verdict +
                         "): move it aside and gatewayd starts a new one, or restore a backup",
                     SQLITE_CORRUPT);
}

}  // namespace

class SqliteStore::State final : public MailboxJournal {
 public:
  explicit State(const StorageOptions& options) : options_(options), database_(options.file) {
    take_ownership(database_);
    database_.exec("PRAGMA journal_mode = WAL");
    database_.exec(options.synchronous == Synchronous::full ? "PRAGMA synchronous = FULL"
                                                            : "PRAGMA synchronous = NORMAL");
    migrate_sqlite_schema(database_);
    limit_size();
    epoch_ = read_epoch();
    load();
    sql_.emplace(database_);
    writer_.emplace(database_, options.max_queued);
  }
  ~State() override { writer_.reset(); }  // commits what is queued, before the statements go

  std::unique_ptr<Mailbox> open_mailbox(const std::string& client_id, const SessionLimits& limits,
                                        std::shared_ptr<MailboxJournal> self) {
    Mailbox::Restored restored;
    {
      std::lock_guard lock(loaded_mutex_);
      if (auto found = kept_.find(client_id); found != kept_.end()) {
        restored.kept = std::move(found->second);
        kept_.erase(found);
      }
      if (auto found = counts_.find(client_id); found != counts_.end()) {
        restored.next_seq = found->second.next_seq;
        restored.lost = found->second.lost;
        counts_.erase(found);
      }
    }
    return std::make_unique<Mailbox>(limits, client_id, std::move(self), std::move(restored));
  }

  std::vector<SavedSession> take_sessions() {
    std::lock_guard lock(loaded_mutex_);
    return std::move(sessions_);
  }

  void save_session(const SavedSession& session) {
    auto subscriptions = nlohmann::json(session.subscriptions).dump();
    writer_->write([this, session, subscriptions = std::move(subscriptions)] {
      sql_->save_session.bind(1, session.id)
          .bind(2, session.token)
          .bind(3, session.name)
          .bind(4, transports::to_string(session.kind))
          .bind(5, session.address)
          .bind(6, subscriptions)
          .bind(7, std::int64_t{session.admin})
          .bind(8, unix_ms(session.last_seen))
          .bind(9, session.device)
          .run();
    });
  }

  void forget_session(const std::string& id) {
    writer_->write([this, id] {
      sql_->forget_session.bind(1, id).run();
      sql_->forget_mailbox.bind(1, id).run();
    });
  }

  std::vector<std::pair<std::string, message::Message>> take_retained() {
    std::lock_guard lock(loaded_mutex_);
    return std::move(retained_);
  }

  void keep_retained(const std::string& topic, const message::Message& message) {
    writer_->write([this, topic, json = stored_json(message)] {
      sql_->keep_retained.bind(1, topic).bind(2, json).run();
    });
  }

  void forget_retained(const std::string& topic) {
    writer_->write([this, topic] { sql_->forget_retained.bind(1, topic).run(); });
  }

  std::vector<HistoryEntry> take_history() {
    std::lock_guard lock(loaded_mutex_);
    return std::move(history_);
  }
  std::vector<HistoryTrim> take_history_trims() {
    std::lock_guard lock(loaded_mutex_);
    return std::move(history_trims_);
  }

  void keep_history(const HistoryEntry& entry) {
    writer_->write([this, topic = entry.topic, offset = static_cast<std::int64_t>(entry.offset),
                    time = unix_ms(entry.time), json = stored_json(entry.message)] {
      sql_->keep_history.bind(1, offset).bind(2, topic).bind(3, time).bind(4, json).run();
    });
  }

  void trim_history(const HistoryTrim& trim) {
    writer_->write([this, trim] {
      const auto offset = static_cast<std::int64_t>(trim.offset);
      sql_->trim_history.bind(1, trim.topic).bind(2, offset).run();
      sql_->keep_trim.bind(1, trim.topic).bind(2, offset).bind(3, unix_ms(trim.time)).run();
    });
  }

  void kept(const std::string& client_id, const Mailbox::Entry& entry) override {
    writer_->write([this, client_id, seq = static_cast<std::int64_t>(entry.seq),
                    bytes = static_cast<std::int64_t>(entry.bytes),
                    json = stored_json(*entry.message)] {
      sql_->keep_message.bind(1, client_id).bind(2, seq).bind(3, bytes).bind(4, json).run();
    });
  }

  void unreported_losses(const std::string& client_id, std::uint64_t lost) override {
    writer_->write([this, client_id, lost = static_cast<std::int64_t>(lost)] {
      sql_->unreported_losses.bind(1, lost).bind(2, client_id).run();
    });
  }

  void forgotten_below(const std::string& client_id, std::uint64_t seq) override {
    writer_->write([this, client_id, seq = static_cast<std::int64_t>(seq)] {
      sql_->forget_messages.bind(1, client_id).bind(2, seq).run();
      sql_->acked_below.bind(1, seq).bind(2, client_id).run();
    });
  }

  std::uint64_t write_position() { return writer_->position(); }
  void when_committed(std::uint64_t since, std::function<void(bool)> done) {
    writer_->when_committed(since, std::move(done));
  }

  void back_up(const std::string& name, std::function<void(BackupResult)> done) {
    auto file = options_.file.parent_path() / "backups" / name;
    // Made on the writer thread, which alone may use the connection.
    writer_->between_batches([this, file = std::move(file), done = std::move(done),
                              backup = std::shared_ptr<SqliteBackup>()]() mutable {
      if (!backup) backup = std::make_shared<SqliteBackup>(database_, file, std::move(done));
      return backup->step();
    });
  }

  std::string describe() const {
    return "sqlite " + options_.file.string() +
           (options_.synchronous == Synchronous::full
                ? " (synchronous full: survives a loss of power)"
                : " (synchronous normal: survives a crash of gatewayd, not a loss of power)");
  }

  const std::string& epoch() const noexcept { return epoch_; }

 private:
  static std::string stored_json(const message::Message& message) {
    return message.to_object().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  void limit_size() {
    auto page = database_.prepare("PRAGMA page_size");
    const auto page_size = page.next() ? page.number(0) : 4096;
    while (page.next()) {
    }
    const auto pages = std::max<std::int64_t>(
        16, static_cast<std::int64_t>(options_.max_bytes) / std::max<std::int64_t>(page_size, 1));
    auto limit = database_.prepare("PRAGMA max_page_count = " + std::to_string(pages));
    while (limit.next()) {
    }
  }

  std::string read_epoch() {
    auto read = database_.prepare("SELECT value FROM meta WHERE key = 'epoch'");
    if (read.next()) {
      auto epoch = read.text(0);
      while (read.next()) {
      }
      return epoch;
    }
    auto epoch = new_store_epoch();
    database_.prepare("INSERT INTO meta (key, value) VALUES ('epoch', ?)").bind(1, epoch).run();
    return epoch;
  }

  // What the previous run left: its sessions and their mailboxes (rows of no session go).
  void load() {
    database_.exec("DELETE FROM mailbox WHERE client NOT IN (SELECT id FROM sessions)");
    auto sessions = database_.prepare(
        "SELECT id, token, name, kind, address, subscriptions, admin, last_seen_ms, acked_below, "
        "lost, device FROM sessions");
    while (sessions.next()) {
      SavedSession session;
      session.id = sessions.text(0);
      session.token = sessions.text(1);
      session.name = sessions.text(2);
      session.kind = transport_kind(sessions.text(3));
      session.address = sessions.text(4);
      const auto subscriptions = nlohmann::json::parse(sessions.text(5), nullptr, false);
      if (subscriptions.is_array())
        for (const auto& filter : subscriptions)
          if (filter.is_string()) session.subscriptions.insert(filter.get<std::string>());
      session.admin = sessions.number(6) != 0;
      session.last_seen = system_clock::time_point(milliseconds(sessions.number(7)));
      session.device = sessions.text(10);
      counts_[session.id] = {
          static_cast<std::uint64_t>(std::max<std::int64_t>(1, sessions.number(8))),
          static_cast<std::uint64_t>(std::max<std::int64_t>(0, sessions.number(9)))};
      sessions_.push_back(std::move(session));
    }
    auto retained = database_.prepare("SELECT topic, message FROM retained");
    while (retained.next()) {
      auto message = message::Message::from_json(retained.text(1));
      if (message) retained_.emplace_back(retained.text(0), std::move(*message));
    }
    auto history = database_.prepare(
        "SELECT offset, topic, time_ms, message FROM history "
        "ORDER BY offset");
    while (history.next()) {
      auto message = message::Message::from_json(history.text(3));
      if (!message) continue;
      history_.push_back({history.text(1), static_cast<std::uint64_t>(history.number(0)),
                          system_clock::time_point(milliseconds(history.number(2))),
                          std::move(*message)});
    }
    auto trims = database_.prepare("SELECT topic, offset, time_ms FROM history_trims");
    while (trims.next())
      history_trims_.push_back({trims.text(0), static_cast<std::uint64_t>(trims.number(1)),
                                system_clock::time_point(milliseconds(trims.number(2)))});
    auto rows =
        database_.prepare("SELECT client, seq, bytes, message FROM mailbox ORDER BY client, seq");
    while (rows.next()) {
      auto message = message::Message::from_json(rows.text(3));
      if (!message) continue;  // cannot happen for rows this store wrote
      kept_[rows.text(0)].push_back({static_cast<std::uint64_t>(rows.number(1)),
                                     std::make_shared<const message::Message>(std::move(*message)),
                                     static_cast<std::size_t>(rows.number(2))});
    }
  }

  const StorageOptions options_;
  SqliteDatabase database_;
  std::string epoch_;
  // Prepared once the schema is there; used on the writer thread only.
  struct Statements {
    explicit Statements(SqliteDatabase& db)
        : save_session(db.prepare(
              "INSERT INTO sessions (id, token, name, kind, address, subscriptions, admin, "
              "last_seen_ms, device) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) "
              "DO UPDATE SET token = ?2, name = ?3, kind = ?4, address = ?5, subscriptions = ?6, "
              "admin = ?7, last_seen_ms = ?8, device = ?9")),
          forget_session(db.prepare("DELETE FROM sessions WHERE id = ?")),
          forget_mailbox(db.prepare("DELETE FROM mailbox WHERE client = ?")),
          keep_message(db.prepare(
              "INSERT OR REPLACE INTO mailbox (client, seq, bytes, message) VALUES (?, ?, ?, ?)")),
          forget_messages(db.prepare("DELETE FROM mailbox WHERE client = ? AND seq < ?")),
          acked_below(db.prepare("UPDATE sessions SET acked_below = ? WHERE id = ?")),
          unreported_losses(db.prepare("UPDATE sessions SET lost = ? WHERE id = ?")),
          keep_retained(
              db.prepare("INSERT OR REPLACE INTO retained (topic, message) VALUES (?, ?)")),
          forget_retained(db.prepare("DELETE FROM retained WHERE topic = ?")),
          keep_history(
              db.prepare("INSERT OR REPLACE INTO history (offset, topic, time_ms, message) "
                         "VALUES (?, ?, ?, ?)")),
          trim_history(db.prepare("DELETE FROM history WHERE topic = ? AND offset <= ?")),
          keep_trim(
              db.prepare("INSERT INTO history_trims (topic, offset, time_ms) VALUES (?1, ?2, ?3) "
                         "ON CONFLICT (topic) DO UPDATE SET offset = max(offset, ?2), "
                         "time_ms = max(time_ms, ?3)")) {}
    SqliteStatement save_session;
    SqliteStatement forget_session;
    SqliteStatement forget_mailbox;
    SqliteStatement keep_message;
    SqliteStatement forget_messages;
    SqliteStatement acked_below;
    SqliteStatement unreported_losses;
    SqliteStatement keep_retained;
    SqliteStatement forget_retained;
    SqliteStatement keep_history;
    SqliteStatement trim_history;
    SqliteStatement keep_trim;
  };
  std::optional<Statements> sql_;

  std::mutex loaded_mutex_;  // what load() read, taken once by the hub
  std::vector<SavedSession> sessions_;
  std::map<std::string, std::vector<Mailbox::Entry>> kept_;
  struct MailboxCounts {
    std::uint64_t next_seq = 1;
    std::uint64_t lost = 0;
  };
  std::map<std::string, MailboxCounts> counts_;
  std::vector<std::pair<std::string, message::Message>> retained_;
  std::vector<HistoryEntry> history_;
  std::vector<HistoryTrim> history_trims_;
  std::optional<SqliteWriter> writer_;  // last: stopped first
};

SqliteStore::SqliteStore(const StorageOptions& options)
    : state_(std::make_unique<State>(options)) {}

SqliteStore::~SqliteStore() = default;

std::unique_ptr<Mailbox> SqliteStore::open_mailbox(const std::string& client_id,
                                                   const SessionLimits& limits) {
  // The state outlives every mailbox (the store outlives the hub): no ownership to share.
  std::shared_ptr<MailboxJournal> journal(std::shared_ptr<void>(), state_.get());
  return state_->open_mailbox(client_id, limits, std::move(journal));
}

std::vector<SavedSession> SqliteStore::saved_sessions() {
  return state_->take_sessions();
}

void SqliteStore::save_session(const SavedSession& session) {
  state_->save_session(session);
}

void SqliteStore::forget_session(const std::string& id) {
  state_->forget_session(id);
}

std::vector<std::pair<std::string, message::Message>> SqliteStore::retained_messages() {
  return state_->take_retained();
}

void SqliteStore::keep_retained(const std::string& topic, const message::Message& message) {
  state_->keep_retained(topic, message);
}

void SqliteStore::forget_retained(const std::string& topic) {
  state_->forget_retained(topic);
}

std::vector<HistoryEntry> SqliteStore::history_entries() {
  return state_->take_history();
}

std::vector<HistoryTrim> SqliteStore::history_trims() {
  return state_->take_history_trims();
}

void SqliteStore::keep_history(const HistoryEntry& entry) {
  state_->keep_history(entry);
}

void SqliteStore::trim_history(const HistoryTrim& trim) {
  state_->trim_history(trim);
}

std::uint64_t SqliteStore::write_position() {
  return state_->write_position();
}

void SqliteStore::when_committed(std::uint64_t since, std::function<void(bool stored)> done) {
  state_->when_committed(since, std::move(done));
}

void SqliteStore::back_up(const std::string& name, std::function<void(BackupResult)> done) {
  state_->back_up(name, std::move(done));
}

std::string SqliteStore::describe() const {
  return state_->describe();
}

const std::string& SqliteStore::epoch() const {
  return state_->epoch();
}

}  // namespace gw::gateway
