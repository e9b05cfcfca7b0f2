#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <map>
#include <optional>

#include <toml++/toml.h>

#include <gw/gateway/device_file.hpp>
#include <gw/message/private_file.hpp>

#include "toml_text.hpp"

namespace gw::gateway {

namespace {

// The fields besides the permission lists, which are named by their kinds.
constexpr std::array other_fields = {"name", "key", "admin", "description"};
constexpr std::size_t max_description = 200;

std::string fields_list() {
  return "name, key, " + access_fields() + ", admin, description";
}

bool known_field(std::string_view field) {
  return std::find(other_fields.begin(), other_fields.end(), field) != other_fields.end() ||
         std::any_of(std::begin(all_access_kinds), std::end(all_access_kinds),
                     [&](Access::Kind kind) { return to_string(kind) == field; });
}

// A name, as a session's: it stands in `from` and `userID` and in others' `send` lists.
bool is_device_name(std::string_view name) {
  return !DeviceFile::name_problem(name);
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    lines.push_back(text.substr(0, end == std::string_view::npos ? text.size() : end + 1));
    text.remove_prefix(lines.back().size());
  }
  return lines;
}

std::string_view trimmed(std::string_view line) {
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())))
    line.remove_prefix(1);
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
    line.remove_suffix(1);
  return line;
}

// An entry the gateway cannot change line by line (an inline table, several on one line).
[[noreturn]] void edited_by_hand(std::string_view origin, std::string_view name) {
  throw DeviceFileError("devices file " + std::string(origin) + ": the entry of device '" +
                        std::string(name) +
                        "' does not stand on lines of its own ([[device]], then key = ...); "
                        "edit it by hand");
}

// The lines [first, last) of `name`'s entry: from its [[device]] line to its last line that is
// not blank or a comment (those before the next entry are that entry's).
std::optional<std::pair<std::size_t, std::size_t>> entry_lines(
    const std::vector<std::string_view>& lines, const std::vector<Device>& devices,
    std::string_view name) {
  for (std::size_t i = 0; i < devices.size(); ++i) {
    if (devices[i].name != name) continue;
    const auto first = static_cast<std::size_t>(devices[i].line - 1);
    auto last =
        i + 1 < devices.size() ? static_cast<std::size_t>(devices[i + 1].line - 1) : lines.size();
    while (last > first + 1 &&
           (trimmed(lines[last - 1]).empty() || trimmed(lines[last - 1]).starts_with('#')))
      --last;
    return std::pair{first, last};
  }
  return std::nullopt;
}

// Where an entry is, for every message about it: the file, its line, and its name once known.
struct Place {
  std::string origin;
  int line = 0;
  std::string name;

  [[noreturn]] void fail(const std::string& problem) const {
    throw DeviceFileError("devices file " + origin + " line " + std::to_string(line) +
                          (name.empty() ? "" : " (device '" + name + "')") + ": " + problem);
  }
};

std::string required_text(const toml::table& entry, std::string_view field, const Place& place,
                          std::string_view example) {
  const auto* node = entry.get(field);
  const auto text = node ? node->value_exact<std::string>() : std::nullopt;
  if (!text || text->empty())
    place.fail("needs " + std::string(field) + " = \"...\" (" + std::string(example) + ")");
  return *text;
}

// The list of strings `field` holds, each an entry of a permission list of `kind`.
std::vector<std::string> permission_list(const toml::table& entry, Access::Kind kind,
                                         const Place& place) {
  const auto field = to_string(kind);
  const auto* node = entry.get(field);
  if (!node) return {};
  const auto* array = node->as_array();
  if (!array) place.fail(std::string(field) + " must be a list of strings, such as [\"a\", \"b\"]");
  std::vector<std::string> items;
  for (const auto& element : *array) {
    const auto text = element.value_exact<std::string>();
    if (!text) place.fail(std::string(field) + " must be a list of strings");
    if (auto problem = permission_entry_problem(kind, *text))
      place.fail(std::string(field) + " entry '" + *text + "': " + *problem);
    items.push_back(*text);
  }
  return items;
}

Device parse_device(const toml::table& entry, Place place) {
  place.name = required_text(entry, "name", place, "the device's name, such as kitchen-sensor");
  if (!is_device_name(place.name))
    place.fail("the name must be 1 to " + std::to_string(DeviceFile::max_name) +
               " letters, digits, '.', '-' or '_', not starting with '-'");
  for (const auto& [field, value] : entry)
    if (!known_field(field.str()))
      place.fail("unknown field " + std::string(field.str()) + " (" + fields_list() + ")");
  auto key = message::Fernet::from_key(
      required_text(entry, "key", place, "a Fernet key of its own: gwctl keygen makes one"));
  if (!key) place.fail("the key is not a Fernet key: " + key.error().text);
  Device device(place.name, std::move(*key));
  device.line = place.line;
  auto& permissions = device.permissions;
  for (const auto kind : all_access_kinds)
    permissions.of(kind) = permission_list(entry, kind, place);
  if (const auto* admin = entry.get("admin")) {
    const auto flag = admin->value_exact<bool>();
    if (!flag) place.fail("admin must be true or false");
    permissions.admin = *flag;
  }
  if (const auto* description = entry.get("description")) {
    const auto text = description->value_exact<std::string>();
    if (!text || text->size() > max_description)
      place.fail("description must be a string of at most " + std::to_string(max_description) +
                 " bytes");
    device.description = *text;
  }
  return device;
}

}  // namespace

std::optional<std::string> DeviceFile::name_problem(std::string_view name) {
  const bool fits = !name.empty() && name.size() <= max_name && name.front() != '-' &&
                    std::all_of(name.begin(), name.end(), [](unsigned char c) {
                      return std::isalnum(c) || c == '.' || c == '-' || c == '_';
                    });
  if (fits) return std::nullopt;
  return "a device's name is 1 to " + std::to_string(max_name) +
         " letters, digits, '.', '-' or '_', not starting with '-'";
}

std::string DeviceFile::entry(const Device& device) {
  const auto& permissions = device.permissions;
  std::string text = "[[device]]\nname = " + toml_quoted(device.name) +
                     "\nkey = " + toml_quoted(device.key.key()) + "\n";
  if (!device.description.empty())
    text += "description = " + toml_quoted(device.description) + "\n";
  for (const auto kind : all_access_kinds)
    text += std::string(to_string(kind)) + " = " + toml_quoted_list(permissions.of(kind)) + "\n";
  text += std::string("admin = ") + (permissions.admin ? "true" : "false") + "\n";
  return text;
}

std::string DeviceFile::with_added(std::string_view text, const Device& device,
                                   std::string_view origin) {
  std::string added(text);
  if (!added.empty() && added.back() != '\n') added += '\n';
  if (!added.empty()) added += '\n';
  added += entry(device);
  parse(added, origin);  // its name and key must be free
  return added;
}

std::optional<std::string> DeviceFile::with_removed(std::string_view text, std::string_view name,
                                                    std::string_view origin) {
  const auto lines = lines_of(text);
  const auto before = parse(text, origin);
  const auto span = entry_lines(lines, before, name);
  if (!span) return std::nullopt;
  auto [first, last] = *span;
  // The blank line that set the entry apart goes with it, unless it still sets two apart.
  if (first > 0 && trimmed(lines[first - 1]).empty() &&
      (last == lines.size() || trimmed(lines[last]).empty()))
    --first;
  std::string kept;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (i < first || i >= last) kept += lines[i];
  const auto after = parse(kept, origin);
  const bool alone = after.size() + 1 == before.size() &&
                     std::none_of(after.begin(), after.end(),
                                  [&](const Device& device) { return device.name == name; });
  if (!alone) edited_by_hand(origin, name);
  return kept;
}

std::optional<std::string> DeviceFile::with_key(std::string_view text, std::string_view name,
                                                const message::Fernet& key,
                                                std::string_view origin) {
  const auto lines = lines_of(text);
  const auto span = entry_lines(lines, parse(text, origin), name);
  if (!span) return std::nullopt;
  std::string changed;
  bool replaced = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto line = trimmed(lines[i]);
    const bool key_line = i >= span->first && i < span->second && line.starts_with("key") &&
                          trimmed(line.substr(3)).starts_with('=');
    if (!key_line) {
      changed += lines[i];
      continue;
    }
    changed += "key = " + toml_quoted(key.key()) + "\n";
    replaced = true;
  }
  if (!replaced)
    throw DeviceFileError("devices file " + std::string(origin) + ": the entry of device '" +
                          std::string(name) +
                          "' has no line of its own for its key; edit it by hand");
  parse(changed, origin);
  return changed;
}

std::vector<Device> DeviceFile::load(const std::filesystem::path& path, bool require_private) {
  auto text =
      message::PrivateFile::read_if_present(path, max_size, "devices file", require_private);
  if (!text) throw DeviceFileError(text.error().text);
  if (!*text) return {};
  return parse(**text, path.string());
}

std::vector<Device> DeviceFile::parse(std::string_view text, std::string_view origin) {
  toml::table file;
  try {
    file = toml::parse(text, origin);
  } catch (const toml::parse_error& error) {
    throw DeviceFileError("devices file " + std::string(origin) + " line " +
                          std::to_string(error.source().begin.line) + ": " +
                          std::string(error.description()));
  }
  for (const auto& [field, value] : file)
    if (field.str() != "device")
      throw DeviceFileError("devices file " + std::string(origin) + " line " +
                            std::to_string(value.source().begin.line) + ": unknown " +
                            std::string(field.str()) + "; the file holds [[device]] tables only");
  std::vector<Device> devices;
  const auto* entries = file.get("device");
  if (!entries) return devices;
  if (!entries->is_array_of_tables())
    throw DeviceFileError("devices file " + std::string(origin) +
                          ": device must be [[device]] tables");
  std::map<std::string, int> lines_by_name;
  std::map<std::string, int> lines_by_key;
  for (const auto& element : *entries->as_array()) {
    const Place place{std::string(origin), static_cast<int>(element.source().begin.line), {}};
    auto device = parse_device(*element.as_table(), place);
    const Place named{place.origin, place.line, device.name};
    if (const auto [at, added] = lines_by_name.emplace(device.name, place.line); !added)
      named.fail("a second device of this name (the first is at line " +
                 std::to_string(at->second) + ")");
    if (const auto [at, added] = lines_by_key.emplace(device.key.key(), place.line); !added)
      named.fail("the same key as the device at line " + std::to_string(at->second) +
                 "; each device needs a key of its own");
    devices.push_back(std::move(device));
  }
  return devices;
}

}  // namespace gw::gateway
