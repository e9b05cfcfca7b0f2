#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <gw/gateway/client.hpp>
#include <gw/gateway/command_registry.hpp>
#include <gw/gateway/hub.hpp>
#include <gw/gateway/identity.hpp>
#include <gw/message/message.hpp>

namespace gw::gateway {

// The one place where a request's permissions are enforced, before its command runs: may its
// sender run the command at all (everyone's, listed in its `commands`, or admin's), and may it
// touch what the request touches (Command::accesses: the topic, the recipient, ...)? An admin,
// by the devices file or by `auth`, may do everything.
class PermissionCheck {
 public:
  explicit PermissionCheck(const Hub& hub) : hub_(hub) {}

  struct Refused {
    std::string_view permission;  // what was missing: "admin", "commands", "publish", ...
    std::string text;             // the 403's, naming it
  };
  std::optional<Refused> check(const Command& command, const message::Message& request,
                               const Identity& identity, const Client* client) const;

 private:
  bool allows(const Permissions& permissions, const Access& access) const;

  const Hub& hub_;
};

}  // namespace gw::gateway
