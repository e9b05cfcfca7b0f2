#include "permission_check.hpp"

namespace gw::gateway {

namespace {

// "home/kitchen/#, lab/+/state", or "nothing": what a refusal quotes of a list.
std::string quoted(const std::vector<std::string>& list) {
  constexpr std::size_t shown = 8;
  if (list.empty()) return "nothing";
  std::string text;
  for (std::size_t i = 0; i < list.size() && i < shown; ++i)
    text += (i == 0 ? "" : ", ") + list[i];
  if (list.size() > shown) text += ", ... (" + std::to_string(list.size()) + " in all)";
  return text;
}

// "publish to 'home/garage/x'": what the request wanted to do.
std::string wanted(const Access& access) {
  return std::string(action_of(access.kind)) + " '" + access.target + "'";
}

}  // namespace

bool PermissionCheck::allows(const Permissions& permissions, const Access& access) const {
  if (permissions.allows(access)) return true;
  if (access.kind != Access::Kind::send) return false;
  // A recipient written as an id is allowed by its name, and the other way round.
  const auto recipient = hub_.find(access.target);
  return recipient && (permissions.allows({Access::Kind::send, recipient->name()}) ||
                       permissions.allows({Access::Kind::send, recipient->id()}));
}

std::optional<PermissionCheck::Refused> PermissionCheck::check(const Command& command,
                                                               const message::Message& request,
                                                               const Identity& identity,
                                                               const Client* client) const {
  const auto& permissions = identity.permissions;
  if (permissions.admin() || (client && client->admin())) return std::nullopt;
  if (command.permission == Permission::admin)
    return Refused{"admin", "'" + command.name +
                                "' needs admin permission; send auth with the admin key first"};
  const auto where = identity.device() ? "" : " ([shared_key] in the configuration)";
  const auto refuse = [&](const Access& access) {
    const auto kind = to_string(access.kind);
    auto text = identity.label() + " may not " + wanted(access) + ": its " + std::string(kind) +
                " permission" + where + " allows " + quoted(permissions.list(access.kind));
    if (access.kind == Access::Kind::subscribe)
      text += " (a filter wider than allowed is refused, not narrowed)";
    return Refused{kind, std::move(text)};
  };
  if (command.permission == Permission::user) {
    const Access run{Access::Kind::command, command.name};
    if (!allows(permissions, run)) return refuse(run);
  }
  if (!command.accesses) return std::nullopt;
  for (const auto& access : command.accesses(request))
    if (!allows(permissions, access)) return refuse(access);
  return std::nullopt;
}

}  // namespace gw::gateway
