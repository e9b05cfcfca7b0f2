#include <algorithm>
#include <cctype>

#include <gw/gateway/permissions.hpp>
#include <gw/message/topic.hpp>

namespace gw::gateway {

namespace {

// "#" alone grants every topic, those starting with '$' too (which MQTT's "#" does not match).
constexpr std::string_view every_topic = "#";
constexpr std::string_view anyone = "*";

// The field of `lists` a kind of access is checked against, const or not.
template <class Lists>
auto& list_of(Lists& lists, Access::Kind kind) {
  switch (kind) {
    case Access::Kind::publish:
      return lists.publish;
    case Access::Kind::subscribe:
      return lists.subscribe;
    case Access::Kind::send:
      return lists.send;
    case Access::Kind::requestable:
      return lists.requestables;
    case Access::Kind::table:
      return lists.tables;
    case Access::Kind::command:
      break;
  }
  return lists.commands;
}

bool listed(const std::vector<std::string>& list, std::string_view name) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& entry) { return entry == anyone || entry == name; });
}

}  // namespace

std::string_view to_string(Access::Kind kind) noexcept {
  switch (kind) {
    case Access::Kind::command:
      return "commands";
    case Access::Kind::publish:
      return "publish";
    case Access::Kind::subscribe:
      return "subscribe";
    case Access::Kind::send:
      return "send";
    case Access::Kind::requestable:
      return "requestables";
    case Access::Kind::table:
      return "tables";
  }
  return "commands";
}

std::optional<std::string> permission_entry_problem(Access::Kind kind, std::string_view entry) {
  switch (kind) {
    case Access::Kind::publish:
    case Access::Kind::subscribe:
      return message::topic::check_filter(entry);
    case Access::Kind::send: {
      // A name or id as sessions have them, without blanks, so that a list reads unambiguously.
      const bool name = !entry.empty() && entry.size() <= 64 &&
                        std::all_of(entry.begin(), entry.end(), [](unsigned char c) {
                          return c > 0x20 && c != 0x7f && c != ',';
                        });
      if (name) return std::nullopt;
      return std::string("a name or id (no blanks or commas), or \"*\" for anyone");
    }
    case Access::Kind::command:
    case Access::Kind::requestable:
    case Access::Kind::table: {
      const bool plain =
          entry == anyone || (!entry.empty() && entry.size() <= 64 &&
                              std::all_of(entry.begin(), entry.end(), [](unsigned char c) {
                                return std::isalnum(c) || c == '_' || c == '-' || c == '.';
                              }));
      if (plain) return std::nullopt;
      return "a name such as \"" + std::string(kind == Access::Kind::command ? "lookup" : "time") +
             "\", or \"*\" for all";
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
                                     .admin = false});
}

std::vector<std::string>& PermissionLists::of(Access::Kind kind) {
  return list_of(*this, kind);
}

const std::vector<std::string>& PermissionLists::of(Access::Kind kind) const {
  return list_of(*this, kind);
}

bool Permissions::allows(const Access& access) const {
  if (lists_.admin) return true;
  const auto& allowed = list(access.kind);
  switch (access.kind) {
    case Access::Kind::publish:
      return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& filter) {
        return filter == every_topic || message::topic::matches(filter, access.target);
      });
    case Access::Kind::subscribe:
      return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& filter) {
        return filter == every_topic || message::topic::covers(filter, access.target);
      });
    case Access::Kind::command:
    case Access::Kind::send:
    case Access::Kind::requestable:
    case Access::Kind::table:
      return listed(allowed, access.target);
  }
  return false;
}

nlohmann::json Permissions::to_json() const {
  return {{"publish", lists_.publish},
          {"subscribe", lists_.subscribe},
          {"send", lists_.send},
          {"commands", lists_.commands},
          {"requestables", lists_.requestables},
          {"tables", lists_.tables},
          {"admin", lists_.admin}};
}

}  // namespace gw::gateway
