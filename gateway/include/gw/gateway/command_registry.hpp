#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gw/message/message.hpp>
#include <gw/transports/session.hpp>

namespace gw::gateway {

class Gateway;

enum class Permission { user, admin };
std::string_view to_string(Permission permission) noexcept;

// What a command sees: the decoded request, the session it came from, and the gateway.
struct CommandContext {
  const message::Message& request;
  const std::shared_ptr<transports::Session>& session;
  Gateway& gateway;
};

// Returns the reply, or nothing when the command answers in another way (a relayed chat
// message reaches its WebSocket sender with everyone else). The dispatcher completes the
// reply: cmd (the request's if empty), id, userID, timestamp and code (200 if unset).
using CommandHandler = std::function<std::optional<message::Message>(const CommandContext&)>;

struct Command {
  std::string name;
  std::string description;
  Permission permission = Permission::user;
  CommandHandler handler;
};

// Commands by name. Filled before the gateway starts serving, read-only afterwards.
class CommandRegistry {
 public:
  // Adds a command; a second one under a name replaces the first.
  void add(Command command);
  const Command* find(std::string_view name) const;
  // Every command, by name.
  std::vector<const Command*> list() const;

 private:
  std::map<std::string, Command, std::less<>> commands_;
};

}  // namespace gw::gateway
