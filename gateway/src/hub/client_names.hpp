#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <gw/gateway/client.hpp>
#include <gw/gateway/cluster_link.hpp>
#include <gw/gateway/identities.hpp>

namespace gw::gateway {

// Who goes by which name: each shared-key client by a name of its own (its id until it takes
// one), and every session of a device by the device's name, which nobody else may take,
// connected or not. Tells a cluster what each client can be reached as, and gives up the
// names clients claimed in it. Not thread-safe: the hub's lock guards it.
class ClientNames {
 public:
  // From now on, the cluster hears of every name added and removed.
  void use_cluster(ClusterLink* link) noexcept { link_ = link; }

  // A client joins under its name; a device's session under its device's, with the others.
  void add(const std::shared_ptr<Client>& client);
  // Takes it out, whatever its name (a device's session: from its device's).
  void remove(const Client& client);
  // A shared-key client takes `name` (it must not be taken).
  void rename(Client& client, const std::string& name);
  // A shared-key client's name becomes a device's: it is known by its id again.
  bool keep_from_devices(Client& client, const Identities& identities);

  // Whether `name` is someone else's than `client`'s: another client's, or a device's.
  bool taken(const Client& client, const std::string& name, const Identities& identities) const;
  // The client of this name; for a device, its newest session.
  std::shared_ptr<Client> find(const std::string& name) const;
  // Every session of the device of this name, oldest first.
  std::vector<std::shared_ptr<Client>> sessions_of(const std::string& device) const;

  void clear();

 private:
  // A shared-key client no longer goes by its claimed name (not its id): the cluster frees it.
  void give_up_name(const Client& client);

  std::unordered_map<std::string, std::shared_ptr<Client>> names_;  // shared-key clients
  std::unordered_map<std::string, std::vector<std::shared_ptr<Client>>> devices_;
  ClusterLink* link_ = nullptr;
};

}  // namespace gw::gateway
