#include "duty_roster.hpp"

#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace gw::cluster {

namespace {

std::string node_of(const KeyValueEntry& entry) {
  const auto value = nlohmann::json::parse(entry.value(), nullptr, false);
  return value.is_object() ? value.value("node", "") : "";
}

}  // namespace

DutyRoster::DutyRoster(NatsConnection& nats, std::string bucket, int replicas, std::string node)
    : nats_(nats),
      bucket_(nats, std::move(bucket), "gw: which gateway does each duty (a lease)", replicas,
              lease),
      node_(std::move(node)),
      value_(nlohmann::json{{"node", node_}}.dump()) {}

void DutyRoster::volunteer(const std::string& duty, Changed changed) {
  std::lock_guard lock(mutex_);
  duties_[duty] = Volunteer{std::move(changed), {}, 0};
}

void DutyRoster::withdraw(const std::string& duty) {
  std::lock_guard round_lock(round_mutex_);  // not while a round may take it again
  Volunteer gone;
  {
    std::lock_guard lock(mutex_);
    const auto found = duties_.find(duty);
    if (found == duties_.end()) return;
    gone = std::move(found->second);
    duties_.erase(found);
  }
  auto* bucket = gone.holder == node_ ? bucket_.handle() : nullptr;
  if (!bucket) return;  // not held, or JetStream away: the lease runs out by itself
  const auto key = KeyValueBucket::key_for(duty);
  KeyValueEntry held;
  // Deleted only if this gateway's write is still the last: not another's lease.
  if (kvStore_Get(&held.entry, bucket, key.c_str()) != NATS_OK ||
      kvEntry_Revision(held.entry) != gone.revision)
    return;
  if (const auto status = kvStore_Delete(bucket, key.c_str()); status != NATS_OK)
    spdlog::debug("cluster: could not give up {}: {}", duty, NatsConnection::describe(status));
}

void DutyRoster::check() {
  std::lock_guard round_lock(round_mutex_);
  std::vector<std::pair<std::string, Volunteer>> duties;
  {
    std::lock_guard lock(mutex_);
    duties.assign(duties_.begin(), duties_.end());
  }
  if (duties.empty()) return;
  auto* bucket = bucket_.handle();
  if (!bucket) return;  // JetStream away: every duty stays as it is
  for (auto& [duty, volunteer] : duties) {
    const auto key = KeyValueBucket::key_for(duty);
    auto revision = volunteer.revision;
    const auto holder =
        volunteer.holder == node_ ? renew(bucket, key, revision) : take(bucket, key, revision);
    if (!holder) continue;
    const bool held = *holder == node_;
    bool was_held = false;
    {
      std::lock_guard lock(mutex_);
      const auto found = duties_.find(duty);
      if (found == duties_.end()) continue;
      found->second.revision = revision;
      if (found->second.holder == *holder) continue;
      was_held = found->second.holder == node_;
      found->second.holder = *holder;
    }
    if (held != was_held)
      spdlog::info("cluster: this gateway {} {}", held ? "now does" : "no longer does", duty);
    volunteer.changed(*holder, held);
  }
}

std::optional<std::string> DutyRoster::renew(kvStore* bucket, const std::string& key,
                                             std::uint64_t& revision) {
  std::uint64_t written = 0;
  if (kvStore_Update(&written, bucket, key.c_str(), value_.data(), static_cast<int>(value_.size()),
                     revision) == NATS_OK) {
    revision = written;
    return node_;
  }
  if (!nats_.connected()) return std::nullopt;
  // Written by another since (it took the lease over), or expired: taken again if free.
  return take(bucket, key, revision);
}

std::optional<std::string> DutyRoster::take(kvStore* bucket, const std::string& key,
                                            std::uint64_t& revision) {
  std::uint64_t written = 0;
  if (kvStore_Create(&written, bucket, key.c_str(), value_.data(),
                     static_cast<int>(value_.size())) == NATS_OK) {
    revision = written;
    return node_;
  }
  if (!nats_.connected()) return std::nullopt;
  KeyValueEntry held;
  if (kvStore_Get(&held.entry, bucket, key.c_str()) != NATS_OK) return std::nullopt;
  if (auto holder = node_of(held); holder != node_) return holder;
  // This gateway's own lease, from before a restart or a write whose answer was lost: kept,
  // unless another writes it first.
  if (kvStore_Update(&written, bucket, key.c_str(), value_.data(), static_cast<int>(value_.size()),
                     kvEntry_Revision(held.entry)) != NATS_OK)
    return std::nullopt;
  revision = written;
  return node_;
}

}  // namespace gw::cluster
