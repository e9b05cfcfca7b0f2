#include <algorithm>
#include <cctype>

#include <gw/gateway/permissions.hpp>
#include <gw/message/topic.hpp>

namespace gw::gateway {

namespace {

// "#" alone grants every topic, those starting with '$' too (which MQTT's "#" does not match).
constexpr std::string_view every_topic = "#";
constexpr std::string_view anyone = "*";

// How a kind's entries are written and matched against a request's target.
enum class Matching {
  publish,    // topic filters matching the topic
  subscribe,  // topic filters covering the filter asked for
  recipient,  // names or ids of clients, as given
  name,       // plain names of commands, requestables, tables or services
};

// Everything that differs between the kinds of access, in one row each.
struct KindInfo {
  Access::Kind kind;
  std::string_view field;   // in the devices file, device add and [shared_key]
  std::string_view action;  // what a refusal says the request wanted to do
  std::vector<std::string> PermissionLists::*list;
  Matching matching;
  std::string_view example;  // an entry, for the error about a malformed one
};

constexpr KindInfo kinds[] = {
    {Access::Kind::publish, "publish", "publish to", &PermissionLists::publish, Matching::publish,
     ""},
    {Access::Kind::subscribe, "subscribe", "subscribe to", &PermissionLists::subscribe,
     Matching::subscribe, ""},
    {Access::Kind::send, "send", "send to", &PermissionLists::send, Matching::recipient, ""},
    {Access::Kind::command, "commands", "run", &PermissionLists::commands, Matching::name,
     "lookup"},
    {Access::Kind::requestable, "requestables", "read the requestable",
     &PermissionLists::requestables, Matching::name, "time"},
    {Access::Kind::table, "tables", "read the lookup table", &PermissionLists::tables,
     Matching::name, "sensors"},
    {Access::Kind::provide, "provide", "provide the service", &PermissionLists::provide,
     Matching::name, "where"},
    {Access::Kind::call, "call", "call the service", &PermissionLists::call, Matching::name,
     "where"},
};

const KindInfo& info_of(Access::Kind kind) {
  for (const auto& info : kinds)
    if (info.kind == kind) return info;
  return kinds[3];  // not reached: every kind has its row
}

bool listed(const std::vector<std::string>& list, std::string_view name) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& entry) { return entry == anyone || entry == name; });
}

}  // namespace

std::string_view to_string(Access::Kind kind) noexcept {
  return info_of(kind).field;
}

std::string_view action_of(Access::Kind kind) noexcept {
  return info_of(kind).action;
}

std::string access_fields() {
  std::string fields;
  for (const auto& info : kinds)
    fields += (fields.empty() ? "" : ", ") + std::string(info.field);
  return fields;
}

std::optional<std::string> permission_entry_problem(Access::Kind kind, std::string_view entry) {
  const auto& info = info_of(kind);
  switch (info.matching) {
    case Matching::publish:
    case Matching::subscribe:
      return message::topic::check_filter(entry);
    case Matching::recipient: {
      // A name or id as sessions have them, without blanks, so that a list reads unambiguously.
      const bool name = !entry.empty() && entry.size() <= 64 &&
                        std::all_of(entry.begin(), entry.end(), [](unsigned char c) {
                          return c > 0x20 && c != 0x7f && c != ',';
                        });
      if (name) return std::nullopt;
      return std::string("a name or id (no blanks or commas), or \"*\" for anyone");
    }
    case Matching::name: {
      const bool plain =
          entry == anyone || (!entry.empty() && entry.size() <= 64 &&
                              std::all_of(entry.begin(), entry.end(), [](unsigned char c) {
                                return std::isalnum(c) || c == '_' || c == '-' || c == '.';
                              }));
      if (plain) return std::nullopt;
      return "a name such as \"" + std::string(info.example) + "\", or \"*\" for all";
    }
  }
  return std::nullopt;
}

Permissions::Permissions(PermissionLists lists) : lists_(std::move(lists)) {}

Permissions Permissions::everything_but_admin() {
  return Permissions(PermissionLists{.publish = {"#"},
                                     .subscribe = {"#"},
                                     .send = {"*"},
                                     .commands = {"*"},
                                     .requestables = {"*"},
                                     .tables = {"*"},
                                     .provide = {"*"},
                                     .call = {"*"},
                                     .admin = false});
}

std::vector<std::string>& PermissionLists::of(Access::Kind kind) {
  return this->*info_of(kind).list;
}

const std::vector<std::string>& PermissionLists::of(Access::Kind kind) const {
  return this->*info_of(kind).list;
}

bool Permissions::allows(const Access& access) const {
  if (lists_.admin) return true;
  const auto& allowed = list(access.kind);
  switch (info_of(access.kind).matching) {
    case Matching::publish:
      return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& filter) {
        return filter == every_topic || message::topic::matches(filter, access.target);
      });
    case Matching::subscribe:
      return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& filter) {
        return filter == every_topic || message::topic::covers(filter, access.target);
      });
    case Matching::recipient:
    case Matching::name:
      return listed(allowed, access.target);
  }
  return false;
}

nlohmann::json Permissions::to_json() const {
  auto json = nlohmann::json::object();
  for (const auto& info : kinds)
    json[std::string(info.field)] = lists_.*info.list;
  json["admin"] = lists_.admin;
  return json;
}

}  // namespace gw::gateway
