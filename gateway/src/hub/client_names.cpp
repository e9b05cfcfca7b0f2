#include "client_names.hpp"

#include <algorithm>

namespace gw::gateway {

void ClientNames::add(const std::shared_ptr<Client>& client) {
  if (link_) link_->reachable_as(client->id());
  if (const auto device = client->device_name(); !device.empty()) {
    client->set_name(device);
    devices_[device].push_back(client);
    if (link_) link_->reachable_as(device);
  } else {
    names_[client->name()] = client;
    if (link_ && client->name() != client->id()) link_->reachable_as(client->name());
  }
}

void ClientNames::remove(const Client& client) {
  if (const auto device = client.device_name(); !device.empty()) {
    const auto sessions = devices_.find(device);
    if (sessions == devices_.end()) return;
    const auto removed = std::erase_if(
        sessions->second, [&](const auto& session) { return session.get() == &client; });
    if (sessions->second.empty()) devices_.erase(sessions);
    if (link_ && removed > 0) {
      link_->unreachable_as(client.id());
      link_->unreachable_as(device);
    }
    return;
  }
  if (const auto held = names_.find(client.name());
      held != names_.end() && held->second.get() == &client) {
    names_.erase(held);
    if (link_) {
      link_->unreachable_as(client.id());
      give_up_name(client);
    }
  }
}

void ClientNames::give_up_name(const Client& client) {
  if (client.name() == client.id()) return;
  link_->unreachable_as(client.name());
  link_->release_name(client.name(), client.id());
}

void ClientNames::rename(Client& client, const std::string& name) {
  if (name == client.name()) return;  // its own already (and claimed so in a cluster)
  const auto held = names_.find(client.name());
  auto self = held != names_.end() && held->second.get() == &client ? held->second : nullptr;
  if (self) names_.erase(held);
  if (self && link_) give_up_name(client);
  client.set_name(name);
  if (self && link_ && name != client.id()) link_->reachable_as(name);
  if (self) names_[name] = std::move(self);
}

bool ClientNames::keep_from_devices(Client& client, const Identities& identities) {
  if (!client.device_name().empty() || !identities.device(client.name())) return false;
  rename(client, client.id());
  return true;
}

bool ClientNames::taken(const Client& client, const std::string& name,
                        const Identities& identities) const {
  if (identities.device(name)) return true;
  const auto holder = names_.find(name);
  return holder != names_.end() && holder->second.get() != &client;
}

std::shared_ptr<Client> ClientNames::find(const std::string& name) const {
  if (const auto named = names_.find(name); named != names_.end()) return named->second;
  if (const auto device = devices_.find(name); device != devices_.end())
    return device->second.back();
  return nullptr;
}

std::vector<std::shared_ptr<Client>> ClientNames::sessions_of(const std::string& device) const {
  const auto found = devices_.find(device);
  return found == devices_.end() ? std::vector<std::shared_ptr<Client>>{} : found->second;
}

void ClientNames::clear() {
  names_.clear();
  devices_.clear();
}

}  // namespace gw::gateway
