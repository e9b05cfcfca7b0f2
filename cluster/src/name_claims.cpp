#include "name_claims.hpp"

#include <span>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <gw/message/base64url.hpp>

namespace gw::cluster {

namespace {

// Any name, as a key JetStream accepts (letters, digits, '-', '_').
std::string key_of(const std::string& name) {
  return message::base64url::encode(
      std::span(reinterpret_cast<const std::uint8_t*>(name.data()), name.size()));
}

struct Entry {
  kvEntry* entry = nullptr;
  ~Entry() { kvEntry_Destroy(entry); }
};

struct Holder {
  std::string node;
  std::string id;
};

Holder holder_of(kvEntry* entry) {
  const auto value =
      nlohmann::json::parse(std::string_view(static_cast<const char*>(kvEntry_Value(entry)),
                                             static_cast<std::size_t>(kvEntry_ValueLen(entry))),
                            nullptr, false);
  if (!value.is_object()) return {};
  return {value.value("node", ""), value.value("id", "")};
}

}  // namespace

NameClaims::NameClaims(NatsConnection& nats, std::string bucket, int replicas, std::string node,
                       HolderExists holder_exists)
    : nats_(nats),
      bucket_name_(std::move(bucket)),
      replicas_(replicas),
      node_(std::move(node)),
      holder_exists_(std::move(holder_exists)) {}

NameClaims::~NameClaims() {
  kvStore_Destroy(bucket_);
}

kvStore* NameClaims::bucket() {
  std::lock_guard lock(mutex_);
  if (bucket_ || !nats_.connected()) return bucket_;
  kvConfig config;
  kvConfig_Init(&config);
  config.Bucket = bucket_name_.c_str();
  config.Description = "gw: which gateway's client holds each name";
  config.History = 1;
  config.Replicas = replicas_;
  config.StorageType = js_FileStorage;
  // Made by the first gateway; the others find it there (creating it again with the same
  // configuration succeeds).
  auto status = js_CreateKeyValue(&bucket_, nats_.jetstream(), &config);
  if (status != NATS_OK) status = js_KeyValue(&bucket_, nats_.jetstream(), bucket_name_.c_str());
  if (status != NATS_OK) {
    spdlog::warn("cluster: the names bucket {} cannot be used: {}", bucket_name_,
                 NatsConnection::describe(status));
    bucket_ = nullptr;
  }
  return bucket_;
}

NameClaims::Claim NameClaims::claim(const std::string& name, const std::string& client_id) {
  auto* names = bucket();
  if (!names) return Claim::unavailable;
  const auto key = key_of(name);
  const auto value = nlohmann::json{{"node", node_}, {"id", client_id}, {"name", name}}.dump();
  const auto status =
      kvStore_Create(nullptr, names, key.c_str(), value.data(), static_cast<int>(value.size()));
  if (status == NATS_OK) return Claim::granted;
  if (!nats_.connected()) return Claim::unavailable;
  return take_over(names, key, value, client_id);
}

NameClaims::Claim NameClaims::take_over(kvStore* names, const std::string& key,
                                        const std::string& value, const std::string& client_id) {
  Entry held;
  const auto read = kvStore_Get(&held.entry, names, key.c_str());
  if (read == NATS_NOT_FOUND) {  // released meanwhile (a delete marker): create over it
    const auto status =
        kvStore_Create(nullptr, names, key.c_str(), value.data(), static_cast<int>(value.size()));
    return status == NATS_OK ? Claim::granted : Claim::taken;
  }
  if (read != NATS_OK) return Claim::unavailable;
  const auto holder = holder_of(held.entry);
  if (holder.node == node_ && holder.id == client_id) return Claim::granted;
  if (!holder.node.empty() && holder_exists_(holder.node, holder.id)) return Claim::taken;
  // The holder is gone (its gateway died, or it ended while NATS was away): compare and set,
  // so that of two gateways taking it over at once only one succeeds.
  const auto status = kvStore_Update(nullptr, names, key.c_str(), value.data(),
                                     static_cast<int>(value.size()), kvEntry_Revision(held.entry));
  return status == NATS_OK ? Claim::granted : Claim::taken;
}

void NameClaims::release(const std::string& name, const std::string& client_id) {
  auto* names = bucket();
  if (!names) return;  // the next claimant finds the holder gone and takes it over
  const auto key = key_of(name);
  Entry held;
  if (kvStore_Get(&held.entry, names, key.c_str()) != NATS_OK) return;
  const auto holder = holder_of(held.entry);
  if (holder.node != node_ || holder.id != client_id) return;
  if (const auto status = kvStore_Delete(names, key.c_str()); status != NATS_OK)
    spdlog::debug("cluster: could not release the name {}: {}", name,
                  NatsConnection::describe(status));
}

}  // namespace gw::cluster
