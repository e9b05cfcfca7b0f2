#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <gw/gateway/command_registry.hpp>

namespace gw::gateway {

// Commands that clients provide (`provide NAME`), on any transport: a message whose cmd is
// such a name is a call, passed to one of its providers, whose answer goes back to the caller.
// Several providers of one name share the calls in turn, as NATS queue groups do. A provider
// that leaves provides nothing any more. Thread-safe.
class Services {
 public:
  // Adds `client_id` as a provider of `name` (the description of the first provider stays);
  // false when it already was one.
  bool provide(const std::string& name, const std::string& client_id, std::string description);
  // Whether `client_id` provided `name` and no longer does.
  bool withdraw(const std::string& name, const std::string& client_id);
  // Everything `client_id` provided (it left). Returns the names.
  std::vector<std::string> withdraw_all(const std::string& client_id);

  // The providers of `name` in the order one call tries them: each call starts at the next
  // one, so that calls are shared. Empty when nobody provides it.
  std::vector<std::string> providers_for_call(std::string_view name);
  bool provided(std::string_view name) const;
  // A command for a call of `name` (Permission::user: shared-key holders, and devices whose
  // commands name it), run by the handler set_call_handler gave; nothing when nobody provides it.
  std::optional<Command> command(std::string_view name) const;
  // Runs every call, whatever its name (the request's cmd says which). Set before serving.
  void set_call_handler(CommandHandler handler) { call_handler_ = std::move(handler); }
  // [{name, description, providers: [client ids]}] by name.
  nlohmann::json list() const;

 private:
  struct Service {
    std::string description;
    std::vector<std::string> providers;  // client ids, in the order they came
    std::size_t next = 0;                // the provider the next call tries first
  };
  mutable std::mutex mutex_;
  std::map<std::string, Service, std::less<>> services_;
  CommandHandler call_handler_;
};

}  // namespace gw::gateway
