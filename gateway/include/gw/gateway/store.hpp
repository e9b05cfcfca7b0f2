#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gw/gateway/mailbox.hpp>
#include <gw/gateway/session_limits.hpp>
#include <gw/transports/session.hpp>

namespace gw::gateway {

// What a store keeps of an HTTP or UDP session, so that it outlives a restart of the gateway.
struct SavedSession {
  std::string id;
  std::string token;
  std::string name;
  transports::TransportKind kind = transports::TransportKind::http;
  std::string address;
  std::set<std::string> subscriptions;
  bool admin = false;
  std::chrono::system_clock::time_point last_seen;
  std::string device;  // the device whose session it is; empty: the shared key's
};

// One publication kept in a topic's history, at `offset`: one numbering over every topic, so
// that a subscriber of a wildcard filter resumes from one number.
struct HistoryEntry {
  std::string topic;
  std::uint64_t offset = 0;
  std::chrono::system_clock::time_point time;
  message::Message message;
};
// A topic's history was trimmed: its publications up to `offset`, the last at `time`, are gone.
// The topic "" stands for publications no history could keep (too many topics).
struct HistoryTrim {
  std::string topic;
  std::uint64_t offset = 0;
  std::chrono::system_clock::time_point time;
};

// How a backup of the store went: made, in `file` of `bytes`; or not, with an HTTP-like `code`
// (409: nothing to back up or the name is taken, 503: the disk is full, 500: otherwise) and why.
struct BackupResult {
  std::string file;
  std::uintmax_t bytes = 0;
  int code = 0;  // 0: made
  std::string error;

  bool made() const noexcept { return code == 0; }
  static BackupResult made_in(std::string file, std::uintmax_t bytes) {
    BackupResult result;
    result.file = std::move(file);
    result.bytes = bytes;
    return result;
  }
  static BackupResult refused(int code, std::string why) {
    BackupResult result;
    result.code = code;
    result.error = std::move(why);
    return result;
  }
};

// A new store epoch: random, so that offsets of one history are never taken for another's.
std::string new_store_epoch();

// Where the gateway keeps what it holds for its clients: mailboxes and sessions. `MemoryStore`
// keeps them in memory; `SqliteStore` in a database in the data directory, across restarts.
// The hub and the commands are the same over either.
//
// Thread-safe: the hub calls it from every network thread, outside its own lock. Nothing here
// waits for a disk: a durable store writes on its own thread, and `when_committed` says when
// that is done. The store outlives the hub (the gateway holds both, the store first).
class Store {
 public:
  virtual ~Store() = default;

  // The mailbox of the client with this id, bounded by `limits` (mailbox_messages,
  // mailbox_bytes, poll_reply_bytes), holding what the store kept for it.
  virtual std::unique_ptr<Mailbox> open_mailbox(const std::string& client_id,
                                                const SessionLimits& limits) = 0;

  // The sessions kept from before the gateway started (read once, at start).
  virtual std::vector<SavedSession> saved_sessions() { return {}; }
  // Keeps (or replaces) the session with this id.
  virtual void save_session(const SavedSession&) {}
  // The session ended (idle, kicked): forgets it and its mailbox.
  virtual void forget_session(const std::string& /*id*/) {}

  // The topics' retained messages kept from before the gateway started (read once, at start).
  virtual std::vector<std::pair<std::string, message::Message>> retained_messages() { return {}; }
  // Keeps `message` as the topic's retained message; `forget_retained` clears it.
  virtual void keep_retained(const std::string& /*topic*/, const message::Message& /*message*/) {}
  virtual void forget_retained(const std::string& /*topic*/) {}

  // The epoch of its topic history: the same for as long as the history is kept (a memory
  // store's lasts one run).
  virtual const std::string& epoch() const = 0;
  // The topics' history kept from before the gateway started, by offset, and the trims of each
  // topic (read once, at start).
  virtual std::vector<HistoryEntry> history_entries() { return {}; }
  virtual std::vector<HistoryTrim> history_trims() { return {}; }
  // Keeps a publication in its topic's history.
  virtual void keep_history(const HistoryEntry& /*entry*/) {}
  // Forgets the topic's publications up to trim.offset and remembers the trim.
  virtual void trim_history(const HistoryTrim& /*trim*/) {}

  // Where the store's changes are up to: taken before making changes, to ask about them.
  virtual std::uint64_t write_position() { return 0; }
  // Calls `done` once every change handed to the store from `since` (a write_position) until
  // this call is on disk; `stored` false when one of them could not be written (the disk or
  // the store's size bound is full). Called on the store's own thread, or at once by a store
  // that keeps nothing on disk.
  virtual void when_committed(std::uint64_t /*since*/, std::function<void(bool stored)> done) {
    done(true);
  }

  // Copies the store, as it is when the copy completes, to the file `name` (a plain file name)
  // in the backups directory beside the database, while the gateway goes on; `done` is called
  // once, on the store's own thread or at once.
  virtual void back_up(const std::string& /*name*/, std::function<void(BackupResult)> done) {
    done(BackupResult::refused(409,
                               "this gateway keeps nothing on disk ([storage] kind = \"memory\"), "
                               "so there is nothing to back up"));
  }

  // A line for the banner: where and how durably messages are kept.
  virtual std::string describe() const = 0;
};

}  // namespace gw::gateway
