#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gw/gateway/client.hpp>
#include <gw/gateway/identity.hpp>
#include <gw/gateway/permissions.hpp>
#include <gw/gateway/responder.hpp>
#include <gw/gateway/router.hpp>
#include <gw/message/message.hpp>
#include <gw/transports/session.hpp>

namespace gw::gateway {

// Who may run a command: everyone (the everyday commands: ping, whoami, poll; what their
// requests touch is still checked), those whose permissions list it (`user`: every shared-key
// holder by default, a device when its `commands` name it), or admins only.
enum class Permission { everyone, user, admin };
std::string_view to_string(Permission permission) noexcept;

// What a command sees of one request: the decoded request, the transport session it came
// through (where the reply goes), the client that sent it (null for an HTTP or UDP request
// without a session), who sent it (the identity its key is), where deliveries to someone go,
// and where a reply given later goes. Whatever else a command uses (the hub, the codec,
// settings) it is given when registered, so no command sees the whole gateway.
struct CommandContext {
  const message::Message& request;
  const std::shared_ptr<transports::Session>& session;
  const std::shared_ptr<Client>& client;
  const std::shared_ptr<const Identity>& identity;
  Router& router;
  ReplySink& replies;

  // For a command that answers later (a long poll, a reply awaited from another client): it
  // returns nothing and calls the responder once.
  Responder responder() const;
};

// Returns the reply, or nothing when the command answers in another way (later, through a
// responder, or a relayed chat message that reaches its WebSocket sender with everyone else).
// The dispatcher completes the reply: cmd (the request's if empty), id, userID, timestamp and
// code (200 if unset). A reply with `cmd` error and a `code` is a refusal.
using CommandHandler = std::function<std::optional<message::Message>(const CommandContext&)>;

// What one request of a command touches, for the sender's permissions to allow: the topic it
// publishes to, the recipient it sends to, ... Nothing for a request that touches nothing more
// than the command.
using AccessesOf = std::function<std::vector<Access>(const message::Message& request)>;

struct Command {
  std::string name;
  std::string description;
  Permission permission = Permission::user;
  CommandHandler handler;
  // Refused with 401 for a request without a session (admin commands always need one).
  bool needs_session = false;
  // May block (file or network I/O, long computations): runs on the worker pool, never on a
  // network thread.
  bool blocking = false;
  // What a request touches, checked with `permission` before the handler runs; null: nothing
  // more than the command.
  AccessesOf accesses{};
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

// A reply that refuses: cmd error, the code, and the reason.
message::Message refusal(std::int64_t code, std::string text);

}  // namespace gw::gateway
