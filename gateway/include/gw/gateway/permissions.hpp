#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace gw::gateway {

// One thing a request asks to do, besides being sent at all: run a command that not everyone
// may run, publish to a topic, subscribe to a filter, send to someone, read a requestable or a
// lookup table, provide a service or call one. Each command says what its requests touch; the
// dispatcher checks them all.
struct Access {
  enum class Kind { command, publish, subscribe, send, requestable, table, provide, call };
  Kind kind = Kind::command;
  std::string target;  // the command, topic, filter, recipient, requestable, table or service
};
// "commands", "publish", ...: the devices file's field, and the label refusals are counted by.
std::string_view to_string(Access::Kind kind) noexcept;
// "publish to", "call the service", ...: what a refusal says the request wanted to do.
std::string_view action_of(Access::Kind kind) noexcept;
// "publish, subscribe, ...": every kind's field, for errors that list them.
std::string access_fields();
// Why `entry` cannot stand in the list of this kind (a filter that is not one, a name with a
// space), or nothing. Whether it names something that exists is for the gateway to say.
std::optional<std::string> permission_entry_problem(Access::Kind kind, std::string_view entry);
inline constexpr Access::Kind all_access_kinds[] = {
    Access::Kind::command,     Access::Kind::publish, Access::Kind::subscribe, Access::Kind::send,
    Access::Kind::requestable, Access::Kind::table,   Access::Kind::provide,   Access::Kind::call};

// What one party may do, as the devices file (a [[device]]) or the configuration ([shared_key])
// writes it. Each list is checked whole before use (filters valid, names known).
struct PermissionLists {
  std::vector<std::string> publish{};       // topic filters it may publish to; "#": every topic
  std::vector<std::string> subscribe{};     // filters it may subscribe within; "#": any filter
  std::vector<std::string> send{};          // names or ids it may send (and ask) to; "*": anyone
  std::vector<std::string> commands{};      // commands beyond the everyday ones; "*": every one
  std::vector<std::string> requestables{};  // what `get` may read; "*": all
  std::vector<std::string> tables{};        // lookup tables it may read; "*": all
  std::vector<std::string> provide{};       // services (provide NAME) it may serve; "*": any
  std::vector<std::string> call{};          // services of clients it may call; "*": any
  bool admin = false;                       // the admin commands, and everything else

  // The list a kind of access is checked against: the field named to_string(kind).
  std::vector<std::string>& of(Access::Kind kind);
  const std::vector<std::string>& of(Access::Kind kind) const;

  bool operator==(const PermissionLists&) const = default;
};

// PermissionLists made ready to answer: may this party do that?
class Permissions {
 public:
  explicit Permissions(PermissionLists lists);
  // Everything an admin may not: what every key holder could do before devices had keys of
  // their own, and the shared key's default.
  static Permissions everything_but_admin();

  const PermissionLists& lists() const noexcept { return lists_; }
  bool admin() const noexcept { return lists_.admin; }
  // Admin allows everything. A subscription is allowed when an allowed filter takes in every
  // topic it matches ("home/#" allows "home/+/temp", not "#"): a wider one is refused, not
  // narrowed. A recipient is allowed by the name or id written, as given.
  bool allows(const Access& access) const;
  // The list `kind` checks, for a refusal to quote.
  const std::vector<std::string>& list(Access::Kind kind) const { return lists_.of(kind); }
  // {publish: [...], subscribe: [...], ..., admin}
  nlohmann::json to_json() const;

 private:
  PermissionLists lists_;
};

}  // namespace gw::gateway
