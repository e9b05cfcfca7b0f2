#include <csv.h>
#include <fstream>
#include <sstream>
#include <vector>

#include <gw/gateway/table_file.hpp>

namespace gw::gateway {

namespace {

using Parsed = std::variant<TableRows, std::string>;

// libcsv calls back once per field and once per record.
struct CsvRecords {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> current;

  static void field(void* data, std::size_t size, void* self) {
    static_cast<CsvRecords*>(self)->current.emplace_back(static_cast<const char*>(data), size);
  }
  static void record_end(int, void* self) {
    auto& records = *static_cast<CsvRecords*>(self);
    records.records.push_back(std::move(records.current));
    records.current.clear();
  }
};

Parsed parse_csv(std::string_view text, const std::string& key) {
  csv_parser parser{};
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
    return std::string("cannot start the CSV parser");
  CsvRecords found;
  const auto used = csv_parse(&parser, text.data(), text.size(), CsvRecords::field,
                              CsvRecords::record_end, &found);
  const bool failed = used != text.size() ||
                      csv_fini(&parser, CsvRecords::field, CsvRecords::record_end, &found) != 0;
  std::string error = failed ? csv_strerror(csv_error(&parser)) : "";
  csv_free(&parser);
  if (failed) return "CSV: " + error + " near byte " + std::to_string(used);
  if (found.records.empty()) return std::string("CSV: no header row");
  const auto& header = found.records.front();
  const auto key_column = std::find(header.begin(), header.end(), key) - header.begin();
  if (static_cast<std::size_t>(key_column) == header.size())
    return "CSV: the key column '" + key + "' is not in the header row";
  TableRows rows;
  for (std::size_t line = 1; line < found.records.size(); ++line) {
    const auto& record = found.records[line];
    if (record.size() != header.size())
      return "CSV: record " + std::to_string(line + 1) + " has " + std::to_string(record.size()) +
             " fields, the header " + std::to_string(header.size());
    auto row = nlohmann::json::object();
    for (std::size_t i = 0; i < header.size(); ++i)
      row[header[i]] = record[i];
    rows.insert_or_assign(record[static_cast<std::size_t>(key_column)], std::move(row));
  }
  return rows;
}

std::string key_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

Parsed parse_json(std::string_view text, const std::string& key) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) return std::string("JSON: not valid JSON");
  TableRows rows;
  if (json.is_object()) {  // {"KEY": {...}, ...}
    for (const auto& [name, row] : json.items())
      rows.emplace(name, row);
    return rows;
  }
  if (!json.is_array()) return std::string("JSON: expected an array of objects or an object");
  for (std::size_t i = 0; i < json.size(); ++i) {
    const auto& row = json[i];
    if (!row.is_object() || !row.contains(key))
      return "JSON: element " + std::to_string(i) + " is not an object with the key field '" + key +
             "'";
    rows.insert_or_assign(key_text(row[key]), row);
  }
  return rows;
}

}  // namespace

Parsed parse_table(std::string_view text, bool csv, const std::string& key) {
  return csv ? parse_csv(text, key) : parse_json(text, key);
}

Parsed read_table_file(const std::filesystem::path& path, const std::string& key) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) return "cannot read " + path.string() + ": " + error.message();
  if (size > max_table_file_bytes)
    return path.string() + " is larger than " + std::to_string(max_table_file_bytes) + " bytes";
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return "cannot read " + path.string();
  auto parsed = parse_table(text.str(), path.extension() == ".csv", key);
  if (auto* problem = std::get_if<std::string>(&parsed)) *problem = path.string() + ": " + *problem;
  return parsed;
}

}  // namespace gw::gateway
