#include <algorithm>
#include <variant>

#include <spdlog/spdlog.h>

#include <gw/gateway/device_file.hpp>
#include <gw/message/private_file.hpp>

#include "command_sets.hpp"

// `device VERB NAME`: what an admin (in gwctl, the console, or any client) does with the
// devices file while the gateway runs. Each edit changes the entry's own lines only, is checked
// whole, is written in place of the file at once, and is in force before the reply.
namespace gw::gateway {

namespace {

using message::Message;

constexpr std::string_view devices_file_what = "devices file";

nlohmann::json device_json(const Identity& device, const Hub& hub, bool with_sessions) {
  nlohmann::json entry = {{"name", device.name},
                          {"description", device.description},
                          {"permissions", device.permissions.to_json()}};
  const auto sessions = hub.find_all(device.name);
  if (!with_sessions) {
    entry["sessions"] = sessions.size();
    return entry;
  }
  entry["sessions"] = nlohmann::json::array();
  for (const auto& session : sessions)
    entry["sessions"].push_back(session->info());
  return entry;
}

// A device's permissions as `device add` takes them in data: {publish: [...], ..., admin,
// description}, each entry checked as the devices file checks it. A refusal says what is wrong.
std::variant<Device, Message> device_from(std::string name, const nlohmann::json& data) {
  Device device(std::move(name), message::Fernet::generate());  // as the gateway's own key
  if (data.is_null()) return device;
  if (!data.is_object())
    return refusal(400, "device add: data must be an object such as {\"publish\": [\"home/#\"]}");
  auto& permissions = device.permissions;
  for (const auto& [field, value] : data.items()) {
    if (field == "admin") {
      if (!value.is_boolean()) return refusal(400, "device add: admin must be true or false");
      permissions.admin = value.get<bool>();
      continue;
    }
    if (field == "description") {
      if (!value.is_string() || value.get<std::string>().size() > 200)
        return refusal(400, "device add: description must be a string of at most 200 bytes");
      device.description = value.get<std::string>();
      continue;
    }
    // Each list by its field, which is its kind's name.
    const auto kind = std::find_if(std::begin(all_access_kinds), std::end(all_access_kinds),
                                   [&](Access::Kind each) { return to_string(each) == field; });
    if (kind == std::end(all_access_kinds))
      return refusal(400, "device add: unknown field " + field + " (" + access_fields() +
                              ", admin, description)");
    if (!value.is_array()) return refusal(400, "device add: " + field + " must be a list");
    auto& entries = permissions.of(*kind);
    for (const auto& item : value) {
      if (!item.is_string()) return refusal(400, "device add: " + field + " must be strings");
      const auto text = item.get<std::string>();
      if (auto problem = permission_entry_problem(*kind, text))
        return refusal(400, "device add: " + field + " entry '" + text + "': " + *problem);
      entries.push_back(text);
    }
  }
  return device;
}

// Reads the file, lets `edit` change its text (nothing: no such device), checks the result,
// writes it in place and puts it in force. Returns what the reload changed, or a refusal.
template <class Edit>
std::variant<std::string, Message> edit_file(const DeviceCommandsUse& use, std::string_view name,
                                             Edit edit) {
  const auto& path = use.control.devices_file;
  if (path.empty() || !use.control.reload_devices)
    return refusal(409, "this gateway has no devices file to edit");
  std::lock_guard lock(*use.editing);
  auto text =
      message::PrivateFile::read_if_present(path, DeviceFile::max_size, devices_file_what, false);
  if (!text) return refusal(500, text.error().text);
  try {
    const auto origin = path.string();
    std::optional<std::string> edited = edit(text->value_or(std::string()), origin);
    if (!edited) return refusal(404, "no device '" + std::string(name) + "' in " + origin);
    use.check(DeviceFile::parse(*edited, origin));
    if (auto error = message::PrivateFile::replace(path, *edited, devices_file_what))
      return refusal(503, "the devices file could not be written: " + error->text);
    return use.control.reload_devices();
  } catch (const DeviceFileError& error) {
    return refusal(409, error.what());
  }
}

std::optional<Message> device(const DeviceCommandsUse& use, const CommandContext& context) {
  const auto [verb, name] = split_first_word(context.request.args);
  const auto identities = use.identities.current();
  if (verb == "list" || verb.empty()) {
    auto list = nlohmann::json::array();
    for (const auto& device : identities->devices())
      list.push_back(device_json(*device, use.hub, false));
    const auto count = list.size();
    return text_reply(std::to_string(count) + " devices", std::move(list));
  }
  if (verb == "add")
    if (auto problem = DeviceFile::name_problem(name)) return refusal(400, *problem);
  if (name.empty() || name.find_first_of(" \t") != std::string::npos)
    return refusal(400, "device " + verb + " needs one device name: args \"" + verb + " NAME\"");
  if (verb == "show") {
    const auto device = identities->device(name);
    if (!device) return refusal(404, "no device '" + name + "'; device list shows them");
    auto shown = device_json(*device, use.hub, true);
    return text_reply(
        "device " + name + ": " + std::to_string(shown["sessions"].size()) + " sessions",
        std::move(shown));
  }
  if (verb == "add") {
    auto made = device_from(name, context.request.data.parse());
    if (auto* refused = std::get_if<Message>(&made)) return std::move(*refused);
    const auto& added = std::get<Device>(made);
    auto done = edit_file(use, name, [&](const std::string& text, const std::string& origin) {
      return std::optional(DeviceFile::with_added(text, added, origin));
    });
    if (auto* refused = std::get_if<Message>(&done)) return std::move(*refused);
    spdlog::info("client {} added device {}", context.client->id(), name);
    return text_reply("added device " + name +
                          "; its key is in data.key, shown this once (keep it secret; it is "
                          "written nowhere but the devices file)",
                      {{"name", name},
                       {"key", added.key.key()},
                       {"description", added.description},
                       {"permissions", Permissions(added.permissions).to_json()},
                       {"reloaded", std::get<std::string>(done)}});
  }
  if (verb == "remove") {
    auto done = edit_file(use, name, [&](const std::string& text, const std::string& origin) {
      return DeviceFile::with_removed(text, name, origin);
    });
    if (auto* refused = std::get_if<Message>(&done)) return std::move(*refused);
    spdlog::info("client {} removed device {}", context.client->id(), name);
    return text_reply("removed device " + name + ": " + std::get<std::string>(done),
                      {{"name", name}, {"reloaded", std::get<std::string>(done)}});
  }
  if (verb == "rotate") {
    const auto key = message::Fernet::generate();
    auto done = edit_file(use, name, [&](const std::string& text, const std::string& origin) {
      return DeviceFile::with_key(text, name, key, origin);
    });
    if (auto* refused = std::get_if<Message>(&done)) return std::move(*refused);
    spdlog::info("client {} gave device {} a new key", context.client->id(), name);
    return text_reply(
        "gave device " + name +
            " a new key, in data.key (shown this once); what it had open under its "
            "old key was closed",
        {{"name", name}, {"key", key.key()}, {"reloaded", std::get<std::string>(done)}});
  }
  return refusal(400, "device: unknown verb '" + verb +
                          "'; args \"list\", \"show NAME\", \"add NAME\" (permissions in data), "
                          "\"remove NAME\" or \"rotate NAME\"");
}

}  // namespace

void add_device_commands(CommandRegistry& registry, DeviceCommandsUse use) {
  registry.add({.name = "device",
                .description =
                    "The devices file: args \"list\", \"show NAME\", \"add NAME\" (data: publish, "
                    "subscribe, send, commands, requestables, tables, provide, call, admin, "
                    "description; the "
                    "reply holds the new key), \"remove NAME\" or \"rotate NAME\" (a new key)",
                .permission = Permission::admin,
                .handler = handler_using(use, device),
                .blocking = true});
}

}  // namespace gw::gateway
