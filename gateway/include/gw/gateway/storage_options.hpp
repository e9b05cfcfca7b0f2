#pragma once

#include <cstddef>
#include <filesystem>

namespace gw::gateway {

enum class StorageKind { sqlite, memory };
// SQLite's `synchronous`: normal survives a crash of the process (WAL), full a loss of power.
enum class Synchronous { normal, full };

// The [storage] section: where sessions and mailboxes are kept.
struct StorageOptions {
  StorageKind kind = StorageKind::sqlite;
  Synchronous synchronous = Synchronous::normal;
  std::filesystem::path file = "gw.db";  // relative: to the data directory
  // The database's size bound; past it, messages that need storing are refused (503).
  std::size_t max_bytes = std::size_t{1} << 30;
  // Changes waiting for the writer thread; past it, stores are refused until it catches up.
  std::size_t max_queued = 100'000;
};

}  // namespace gw::gateway
