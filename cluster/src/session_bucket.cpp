#include "session_bucket.hpp"

#include <array>

#include <nlohmann/json.hpp>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <gw/message/base64url.hpp>

#include "sealed.hpp"

namespace gw::cluster {

namespace {

using gateway::SavedSession;
using std::chrono::milliseconds;
using std::chrono::system_clock;

std::optional<transports::TransportKind> kind_named(std::string_view name) {
  for (const auto kind : transports::all_transport_kinds)
    if (transports::to_string(kind) == name) return kind;
  return std::nullopt;
}

}  // namespace

std::string session_key(const std::string& token) {
  std::array<std::uint8_t, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
  return message::base64url::encode(digest);
}

SessionBucket::SessionBucket(NatsConnection& nats, JetStreamWriter& writer, std::string bucket,
                             int replicas, std::string node, CodecOf codec)
    : bucket_(nats, std::move(bucket), "gw: the sessions of HTTP and UDP clients", replicas),
      writer_(writer),
      node_(std::move(node)),
      codec_(std::move(codec)) {}

std::string SessionBucket::record(const SavedSession& session) const {
  const nlohmann::json json = {
      {"id", session.id},
      {"token", session.token},
      {"name", session.name},
      {"kind", transports::to_string(session.kind)},
      {"address", session.address},
      {"subscriptions", session.subscriptions},
      {"admin", session.admin},
      {"last_seen",
       std::chrono::duration_cast<milliseconds>(session.last_seen.time_since_epoch()).count()},
      {"device", session.device},
      {"node", node_}};
  return seal(*codec_(), json.dump());
}

std::optional<std::pair<SavedSession, std::string>> SessionBucket::read(
    std::string_view sealed) const {
  const auto plaintext = unseal(*codec_(), sealed, std::chrono::seconds(0));
  if (!plaintext) return std::nullopt;
  const auto json = nlohmann::json::parse(*plaintext, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  const auto kind = kind_named(json.value("kind", ""));
  if (!kind) return std::nullopt;
  SavedSession session;
  session.id = json.value("id", "");
  session.token = json.value("token", "");
  session.name = json.value("name", "");
  session.kind = *kind;
  session.address = json.value("address", "");
  session.subscriptions = json.value("subscriptions", std::set<std::string>{});
  session.admin = json.value("admin", false);
  session.last_seen = system_clock::time_point(milliseconds(json.value("last_seen", 0LL)));
  session.device = json.value("device", "");
  return std::pair{std::move(session), json.value("node", "")};
}

void SessionBucket::save(const SavedSession& session) {
  if (session.token.empty()) return;
  const auto key = session_key(session.token);
  {
    std::lock_guard lock(mutex_);
    keys_[session.id] = key;
  }
  writer_.submit([this, key, value = record(session)] {
    auto* sessions = bucket_.handle();
    return sessions && kvStore_Put(nullptr, sessions, key.c_str(), value.data(),
                                   static_cast<int>(value.size())) == NATS_OK;
  });
}

void SessionBucket::forget(const std::string& client_id) {
  std::string key;
  {
    std::lock_guard lock(mutex_);
    const auto found = keys_.find(client_id);
    if (found == keys_.end()) return;
    key = std::move(found->second);
    keys_.erase(found);
  }
  writer_.submit([this, key] {
    auto* sessions = bucket_.handle();
    return sessions && kvStore_Delete(sessions, key.c_str()) == NATS_OK;
  });
}

std::vector<SavedSession> SessionBucket::of_this_gateway() {
  std::vector<SavedSession> mine;
  auto* sessions = bucket_.handle();
  if (!sessions) return mine;
  kvKeysList keys{};
  if (kvStore_Keys(&keys, sessions, nullptr) != NATS_OK) return mine;
  for (int i = 0; i < keys.Count; ++i) {
    KeyValueEntry entry;
    if (kvStore_Get(&entry.entry, sessions, keys.Keys[i]) != NATS_OK) continue;
    auto found = read(entry.value());
    if (!found || found->second != node_) continue;
    std::lock_guard lock(mutex_);
    keys_[found->first.id] = keys.Keys[i];
    mine.push_back(std::move(found->first));
  }
  kvKeysList_Destroy(&keys);
  return mine;
}

SessionBucket::TakeOver SessionBucket::take_over(
    const std::string& token, const std::function<bool(const std::string&)>& alive) {
  auto* sessions = bucket_.handle();
  if (!sessions) return {};
  const auto key = session_key(token);
  KeyValueEntry entry;
  if (kvStore_Get(&entry.entry, sessions, key.c_str()) != NATS_OK) return {};
  auto found = read(entry.value());
  if (!found || found->first.token != token) return {};
  auto& [session, node] = *found;
  if (node != node_ && alive(node)) return {std::nullopt, node};
  const auto value = record(session);
  if (kvStore_Update(nullptr, sessions, key.c_str(), value.data(), static_cast<int>(value.size()),
                     kvEntry_Revision(entry.entry)) != NATS_OK)
    return {};  // another gateway took it over first
  spdlog::info("cluster: took over the session {} ({}) of gateway {}", session.id, session.name,
               node);
  std::lock_guard lock(mutex_);
  keys_[session.id] = key;
  return {std::move(session), {}};
}

}  // namespace gw::cluster
