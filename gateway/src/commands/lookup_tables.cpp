#include <spdlog/spdlog.h>

#include <gw/gateway/lookup_tables.hpp>

namespace gw::gateway {

LookupTables::LookupTables(std::vector<TableSpec> specs) {
  for (auto& spec : specs) {
    auto name = spec.name;
    Table table;
    table.spec = std::move(spec);
    tables_.emplace(std::move(name), std::move(table));
  }
}

std::optional<std::string> LookupTables::refresh(Table& table, bool force) {
  std::error_code error;
  const auto modified = std::filesystem::last_write_time(table.spec.file, error);
  const auto size = error ? 0 : std::filesystem::file_size(table.spec.file, error);
  if (error) return "cannot read " + table.spec.file.string() + ": " + error.message();
  if (!force && table.loaded && modified == table.modified && size == table.size)
    return std::nullopt;
  auto read = read_table_file(table.spec.file, table.spec.key);
  if (auto* problem = std::get_if<std::string>(&read)) return *problem;
  table.rows = std::move(std::get<TableRows>(read));
  table.loaded = true;
  table.modified = modified;
  table.size = size;
  spdlog::info("lookup table '{}': read {} rows from {}", table.spec.name, table.rows.size(),
               table.spec.file.string());
  return std::nullopt;
}

LookupTables::Answer LookupTables::lookup(std::string_view table_name, std::string_view key) {
  std::lock_guard lock(mutex_);
  const auto found = tables_.find(table_name);
  if (found == tables_.end())
    return {404, "no lookup table '" + std::string(table_name) + "'; get tables lists them", {}};
  auto& table = found->second;
  if (auto problem = refresh(table, false)) {
    spdlog::error("lookup table '{}': {}", table.spec.name, *problem);
    return {500,
            "lookup table '" + table.spec.name + "' cannot be read; the gateway's log says why",
            {}};
  }
  const auto row = table.rows.find(std::string(key));
  if (row == table.rows.end())
    return {404, "no row '" + std::string(key) + "' in lookup table '" + table.spec.name + "'", {}};
  return {200, table.spec.name + "/" + std::string(key), row->second};
}

std::string LookupTables::reload() {
  std::lock_guard lock(mutex_);
  std::size_t good = 0;
  std::string failures;
  for (auto& [name, table] : tables_) {
    if (auto problem = refresh(table, true)) {
      spdlog::error("lookup table '{}': {}", name, *problem);
      failures += "; '" + name + "' failed: " + *problem;
    } else {
      ++good;
    }
  }
  return "re-read " + std::to_string(good) + " of " + std::to_string(tables_.size()) +
         " lookup tables" + failures;
}

nlohmann::json LookupTables::list() const {
  std::lock_guard lock(mutex_);
  auto list = nlohmann::json::array();
  for (const auto& [name, table] : tables_)
    list.push_back({{"name", name}, {"file", table.spec.file.string()}, {"key", table.spec.key}});
  return list;
}

}  // namespace gw::gateway
