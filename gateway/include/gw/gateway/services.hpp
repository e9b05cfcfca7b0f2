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
// that leaves provides nothing any more. In a cluster, the other gateways' providers are known
// too (each gateway says what its clients provide) and share the calls. Thread-safe.
class Services {
 public:
  // Who may call a service: those whose `call` permission names it, or admins only.
  enum class CallPermission { call, admin };
  // "call" or "admin", as provide's data.permission says it; nothing for other words.
  static std::optional<CallPermission> call_permission_of(std::string_view text);
  struct Offer {
    std::string description;
    CallPermission permission = CallPermission::call;
    bool operator==(const Offer&) const = default;
  };
  // A provider a call may go to: a client here (node empty) or of another gateway.
  struct Provider {
    std::string id;
    std::string node;
    bool operator==(const Provider&) const = default;
  };

  // Bounds, so that the lists and the heartbeat that carries them stay small.
  static constexpr std::size_t max_names = 1000;
  static constexpr std::size_t max_providers = 64;  // of one name, on one gateway
  // Adds `client_id` as a provider of `name` (the first provider's offer stays), unless it
  // already was one or a bound is reached.
  enum class Provided { added, already, full };
  Provided provide(const std::string& name, const std::string& client_id, Offer offer);
  // Whether `client_id` provided `name` and no longer does.
  bool withdraw(const std::string& name, const std::string& client_id);
  // Everything `client_id` provided (it left). Returns the names.
  std::vector<std::string> withdraw_all(const std::string& client_id);

  // What the clients of gateway `node` provide, as that gateway said (its `shared()`): replaces
  // what it said before. An empty list, or forget(node), when it is gone.
  void set_elsewhere(const std::string& node, const nlohmann::json& shared);
  void forget(const std::string& node) { set_elsewhere(node, nlohmann::json::array()); }
  // The other gateways whose providers are known here.
  std::vector<std::string> nodes_elsewhere() const;
  // What this gateway's clients provide, for the others: [{name, description, permission,
  // providers}].
  nlohmann::json shared() const;

  // The providers of `name`, here and elsewhere, in the order one call tries them: each call
  // starts at the next one, so that calls are shared. Empty when nobody provides it.
  std::vector<Provider> providers_for_call(std::string_view name);
  bool provided(std::string_view name) const;
  // A command for a call of `name`, run by the handler set_call_handler gave; nothing when
  // nobody provides it. Its accesses ask for the caller's `call` permission to name it, or it
  // is an admin command when its provider said so.
  std::optional<Command> command(std::string_view name) const;
  // Runs every call, whatever its name (the request's cmd says which). Set before serving.
  void set_call_handler(CommandHandler handler) { call_handler_ = std::move(handler); }
  // [{name, description, permission, providers: [client ids]}] by name, here and elsewhere.
  nlohmann::json list() const;

 private:
  struct Service {
    Offer offer;
    std::vector<Provider> providers;  // in the order they came, this gateway's first
    bool operator==(const Service&) const = default;
  };
  using ByName = std::map<std::string, Service, std::less<>>;
  static nlohmann::json to_json(const ByName& services);
  // Makes all_ again from here_ and elsewhere_, after a change; under mutex_.
  void merge();

  mutable std::mutex mutex_;
  ByName here_;
  std::map<std::string, ByName> elsewhere_;               // by node
  ByName all_;                                            // both, merged: what calls and lists read
  std::map<std::string, std::size_t, std::less<>> next_;  // the provider a call tries first
  CommandHandler call_handler_;
};

std::string_view to_string(Services::CallPermission permission) noexcept;

}  // namespace gw::gateway
