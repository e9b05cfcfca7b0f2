#include "name_claims.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace gw::cluster {

namespace {

constexpr auto refusal_remembered = std::chrono::seconds(2);
constexpr std::size_t refusals_kept = 10000;

struct Holder {
  std::string node;
  std::string id;
};

Holder holder_of(const KeyValueEntry& entry) {
  const auto value = nlohmann::json::parse(entry.value(), nullptr, false);
  if (!value.is_object()) return {};
  return {value.value("node", ""), value.value("id", "")};
}

}  // namespace

NameClaims::NameClaims(NatsConnection& nats, std::string bucket, int replicas, std::string node,
                       HolderExists holder_exists)
    : nats_(nats),
      bucket_(nats, std::move(bucket), "gw: which gateway's client holds each name", replicas),
      node_(std::move(node)),
      holder_exists_(std::move(holder_exists)) {}

NameClaims::Claim NameClaims::claim(const std::string& name, const std::string& client_id) {
  const auto asked = name + '\n' + client_id;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(refused_mutex_);
    if (const auto found = refused_.find(asked);
        found != refused_.end() && now - found->second < refusal_remembered)
      return Claim::taken;
  }
  auto* names = bucket_.handle();
  if (!names) return Claim::unavailable;
  const auto key = KeyValueBucket::key_for(name);
  const auto value = nlohmann::json{{"node", node_}, {"id", client_id}, {"name", name}}.dump();
  const auto status =
      kvStore_Create(nullptr, names, key.c_str(), value.data(), static_cast<int>(value.size()));
  if (status == NATS_OK) return Claim::granted;
  if (!nats_.connected()) return Claim::unavailable;
  const auto claim = take_over(names, key, value, client_id);
  if (claim == Claim::taken) {
    std::lock_guard lock(refused_mutex_);
    if (refused_.size() >= refusals_kept) refused_.clear();
    refused_[asked] = now;
  }
  return claim;
}

NameClaims::Claim NameClaims::take_over(kvStore* names, const std::string& key,
                                        const std::string& value, const std::string& client_id) {
  KeyValueEntry held;
  const auto read = kvStore_Get(&held.entry, names, key.c_str());
  if (read == NATS_NOT_FOUND) {  // released meanwhile (a delete marker): create over it
    const auto status =
        kvStore_Create(nullptr, names, key.c_str(), value.data(), static_cast<int>(value.size()));
    // Failing twice with no holder to be found: JetStream is not answering as it should (a
    // NATS server lost, its stream being moved), not a taken name.
    return status == NATS_OK ? Claim::granted : Claim::unavailable;
  }
  if (read != NATS_OK) return Claim::unavailable;
  const auto holder = holder_of(held);
  if (holder.node == node_ && holder.id == client_id) return Claim::granted;
  if (!holder.node.empty() && holder_exists_(holder.node, holder.id)) return Claim::taken;
  // The holder is gone (its gateway died, or it ended while NATS was away): compare and set,
  // so that of two gateways taking it over at once only one succeeds.
  const auto status = kvStore_Update(nullptr, names, key.c_str(), value.data(),
                                     static_cast<int>(value.size()), kvEntry_Revision(held.entry));
  return status == NATS_OK ? Claim::granted : Claim::taken;
}

void NameClaims::release(const std::string& name, const std::string& client_id) {
  auto* names = bucket_.handle();
  if (!names) return;  // the next claimant finds the holder gone and takes it over
  const auto key = KeyValueBucket::key_for(name);
  KeyValueEntry held;
  if (kvStore_Get(&held.entry, names, key.c_str()) != NATS_OK) return;
  const auto holder = holder_of(held);
  if (holder.node != node_ || holder.id != client_id) return;
  if (const auto status = kvStore_Delete(names, key.c_str()); status != NATS_OK)
    spdlog::debug("cluster: could not release the name {}: {}", name,
                  NatsConnection::describe(status));
}

}  // namespace gw::cluster
