#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <gw/gateway/table_file.hpp>

namespace gw::gateway {

// One [[tables]] entry of the configuration.
struct TableSpec {
  std::string name;
  std::filesystem::path file;  // CSV if it ends in .csv, else JSON
  std::string key;             // the column (field) that keys the rows
};

// The tables `lookup TABLE/KEY` reads. A table's file is read on first use and again whenever
// its modification time or size changes, so edits need no restart. Reading a file blocks:
// callers run on the worker pool. Thread-safe.
class LookupTables {
 public:
  explicit LookupTables(std::vector<TableSpec> specs = {});

  struct Answer {
    int code;          // 200, 404 (unknown table or key) or 500 (the file cannot be read)
    std::string text;  // what to tell the client
    nlohmann::json row;
  };
  Answer lookup(std::string_view table, std::string_view key);
  // Re-reads every table now; returns a summary (files that fail are named in it).
  std::string reload();
  // [{name, file, key}].
  nlohmann::json list() const;

 private:
  struct Table {
    TableSpec spec;
    bool loaded = false;
    std::filesystem::file_time_type modified;
    std::uintmax_t size = 0;
    TableRows rows;
  };
  // Reads the file if it changed since the last read; returns why it cannot, if it cannot.
  static std::optional<std::string> refresh(Table& table, bool force);

  mutable std::mutex mutex_;
  std::map<std::string, Table, std::less<>> tables_;
};

}  // namespace gw::gateway
