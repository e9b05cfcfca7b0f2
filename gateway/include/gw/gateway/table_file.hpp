#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include <nlohmann/json.hpp>

namespace gw::gateway {

// A lookup table's rows by key. Each row is a JSON object.
using TableRows = std::unordered_map<std::string, nlohmann::json>;

inline constexpr std::uintmax_t max_table_file_bytes = 16 * 1024 * 1024;

// Reads a table file: CSV (RFC 4180, a header row naming the columns; every value a string)
// when the name ends in .csv, otherwise JSON (an array of objects, or an object of objects by
// key). `key` names the column that keys the rows. Returns the rows, or why they cannot be
// read.
std::variant<TableRows, std::string> read_table_file(const std::filesystem::path& path,
                                                     const std::string& key);

// The same, for text already read (`csv` chooses the format); for tests.
std::variant<TableRows, std::string> parse_table(std::string_view text, bool csv,
                                                 const std::string& key);

}  // namespace gw::gateway
