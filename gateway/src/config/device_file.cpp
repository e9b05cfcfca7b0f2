#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>

#include <toml++/toml.h>

#include <gw/gateway/device_file.hpp>
#include <gw/message/private_file.hpp>
#include <gw/message/topic.hpp>

namespace gw::gateway {

namespace {

constexpr std::array known_fields = {"name", "key",      "publish", "subscribe",
                                     "send", "commands", "admin",   "description"};
constexpr std::size_t max_description = 200;

std::string fields_list() {
  std::string list;
  for (const auto* field : known_fields)
    list += (list.empty() ? "" : ", ") + std::string(field);
  return list;
}

// A name, as a session's: it stands in `from` and `userID` and in others' `send` lists.
bool is_device_name(std::string_view name) {
  if (name.empty() || name.size() > DeviceFile::max_name || name.front() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == '_';
  });
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

// A list of strings, each passed to `check` (which returns what is wrong, if anything).
template <class Check>
std::vector<std::string> text_list(const toml::table& entry, std::string_view field,
                                   const Place& place, Check check) {
  const auto* node = entry.get(field);
  if (!node) return {};
  const auto* array = node->as_array();
  if (!array) place.fail(std::string(field) + " must be a list of strings, such as [\"a\", \"b\"]");
  std::vector<std::string> items;
  for (const auto& element : *array) {
    const auto text = element.value_exact<std::string>();
    if (!text) place.fail(std::string(field) + " must be a list of strings");
    if (auto problem = check(*text))
      place.fail(std::string(field) + " entry '" + *text + "': " + *problem);
    items.push_back(*text);
  }
  return items;
}

std::optional<std::string> recipient_problem(const std::string& recipient) {
  if (recipient == "*" || is_device_name(recipient)) return std::nullopt;
  return "a name or id (letters, digits, '.', '-', '_'), or \"*\" for anyone";
}

std::optional<std::string> command_problem(const std::string& command) {
  const bool plain = !command.empty() && command.size() <= 64 &&
                     std::all_of(command.begin(), command.end(), [](unsigned char c) {
                       return std::islower(c) || std::isdigit(c) || c == '_' || c == '-';
                     });
  if (plain) return std::nullopt;
  return "a command name, such as \"lookup\"";
}

Device parse_device(const toml::table& entry, Place place) {
  place.name = required_text(entry, "name", place, "the device's name, such as kitchen-sensor");
  if (!is_device_name(place.name))
    place.fail("the name must be 1 to " + std::to_string(DeviceFile::max_name) +
               " letters, digits, '.', '-' or '_', not starting with '-'");
  for (const auto& [field, value] : entry)
    if (std::find(known_fields.begin(), known_fields.end(), field.str()) == known_fields.end())
      place.fail("unknown field " + std::string(field.str()) + " (" + fields_list() + ")");
  auto key = message::Fernet::from_key(
      required_text(entry, "key", place, "a Fernet key of its own: gwctl keygen makes one"));
  if (!key) place.fail("the key is not a Fernet key: " + key.error().text);
  Device device(place.name, std::move(*key));
  device.line = place.line;
  device.publish = text_list(entry, "publish", place, message::topic::check_filter);
  device.subscribe = text_list(entry, "subscribe", place, message::topic::check_filter);
  device.send = text_list(entry, "send", place, recipient_problem);
  device.commands = text_list(entry, "commands", place, command_problem);
  if (const auto* admin = entry.get("admin")) {
    const auto flag = admin->value_exact<bool>();
    if (!flag) place.fail("admin must be true or false");
    device.admin = *flag;
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
