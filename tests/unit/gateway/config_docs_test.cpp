// docs/gatewayd.md's option table is written by hand; this keeps it in step with the options
// gatewayd has: every option in the table under its section, name and flag, no row for an
// option that does not exist, and every default that is a number, a boolean or a quoted word
// as gatewayd shows it.
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <gw/gateway/config_options.hpp>

namespace {

struct DocumentedOption {
  std::string section;
  std::string name;
  std::string flag;
  std::string default_value;  // as the table writes it: "120", "true", "`info`", "none"...
};

std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::stringstream stream(row.substr(1));
  std::string cell;
  while (std::getline(stream, cell, '|'))
    out.push_back(cell);
  return out;
}

std::vector<std::string> backticked(const std::string& cell) {
  std::vector<std::string> out;
  static const std::regex quoted("`([^`]*)`");
  for (auto it = std::sregex_iterator(cell.begin(), cell.end(), quoted);
       it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

std::vector<std::string> comma_separated(const std::string& cell) {
  std::vector<std::string> out;
  std::stringstream stream(cell);
  std::string part;
  while (std::getline(stream, part, ',')) {
    const auto first = part.find_first_not_of(' ');
    const auto last = part.find_last_not_of(' ');
    out.push_back(first == std::string::npos ? "" : part.substr(first, last - first + 1));
  }
  return out;
}

// The rows of the table under "## Configuration": a row naming a [section] sets it for the rows
// below; a row may name several options ("`a`, `b` | `--a`, `--b` | 1, 2").
std::vector<DocumentedOption> documented_options() {
  std::ifstream file(GW_DOCS_DIR "/gatewayd.md");
  REQUIRE(file);
  std::vector<DocumentedOption> out;
  std::string line, section;
  bool in_table = false;
  while (std::getline(file, line)) {
    if (line.starts_with("| file | flag | default |")) in_table = true;
    if (!in_table) continue;
    if (!line.starts_with("|")) break;
    const auto row = cells(line);
    if (row.size() < 3 || row[0] == " file " || row[0].starts_with("---")) continue;
    auto names = backticked(row[0]);
    if (!names.empty() && names[0].starts_with('[')) {
      const auto close = names[0].find("] ");
      section = names[0].substr(1, close - 1);
      names[0] = names[0].substr(close + 2);
    }
    const auto flags = backticked(row[1]);
    const auto defaults = comma_separated(row[2]);
    if (names.empty()) names.assign(flags.size(), "");  // options that are not in the file
    REQUIRE(flags.size() == names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto flag = flags[i].substr(0, flags[i].find(' '));  // "--data-dir DIR"
      REQUIRE(flag.starts_with("--"));
      out.push_back({names[i].empty() ? "" : section, names[i], flag.substr(2),
                     defaults.size() == names.size() ? defaults[i] : defaults[0]});
    }
  }
  return out;
}

// A default the table can be checked on: a number, true/false, or a word in backticks.
std::optional<std::string> checkable(const std::string& written) {
  static const std::regex literal("-?[0-9.]+|true|false");
  if (std::regex_match(written, literal)) return written;
  if (written.size() > 2 && written.front() == '`' && written.back() == '`' &&
      written.find('`', 1) == written.size() - 1)
    return written.substr(1, written.size() - 2);
  return std::nullopt;
}

std::string unquoted(std::string shown) {
  if (shown.size() >= 2 && shown.front() == '"' && shown.back() == '"')
    return shown.substr(1, shown.size() - 2);
  return shown;
}

}  // namespace

TEST_CASE("docs/gatewayd.md's option table has every option, its flag and its default",
          "[config][docs]") {
  const auto documented = documented_options();
  std::map<std::string, DocumentedOption> by_flag;
  for (const auto& option : documented)
    CHECK(by_flag.emplace(option.flag, option).second);  // each flag once

  const gw::gateway::Config defaults;
  std::map<std::string, bool> known;
  for (const auto& option : gw::gateway::config_options()) {
    const std::string flag(option.flag);
    known[flag] = true;
    INFO("--" << flag);
    const auto found = by_flag.find(flag);
    REQUIRE(found != by_flag.end());
    CHECK(found->second.section == option.section);
    // Options that only have a flag (--config, --data-dir) have no file name in the table.
    if (!option.section.empty()) CHECK(found->second.name == option.name);
    if (const auto value = checkable(found->second.default_value); value && !option.section.empty())
      CHECK(*value == unquoted(option.show(defaults)));
  }
  for (const auto& option : documented) {
    INFO("the table's --" << option.flag);
    CHECK(known.contains(option.flag));
  }
}
