#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>

#include "nats_connection.hpp"

namespace gw::cluster {

// A JetStream key-value bucket of the cluster, made by the first gateway that needs it and
// found there by the others; while JetStream cannot be reached, `handle` is null and the
// caller answers "unavailable". Thread-safe.
class KeyValueBucket {
 public:
  // `ttl`: how long a key lives after its last write (zero: for ever).
  KeyValueBucket(NatsConnection& nats, std::string name, std::string description, int replicas,
                 std::chrono::milliseconds ttl = {})
      : nats_(nats),
        name_(std::move(name)),
        description_(std::move(description)),
        replicas_(replicas),
        ttl_(ttl) {}
  ~KeyValueBucket();
  KeyValueBucket(const KeyValueBucket&) = delete;
  KeyValueBucket& operator=(const KeyValueBucket&) = delete;

  kvStore* handle();
  const std::string& name() const noexcept { return name_; }
  // Any text (a name, a topic, a duty) as a key JetStream accepts: base64url, whose letters,
  // digits, '-' and '_' are all allowed.
  static std::string key_for(std::string_view text);

 private:
  NatsConnection& nats_;
  const std::string name_;
  const std::string description_;
  const int replicas_;
  const std::chrono::milliseconds ttl_;
  std::mutex mutex_;
  kvStore* bucket_ = nullptr;
};

// A kvEntry that destroys itself.
struct KeyValueEntry {
  kvEntry* entry = nullptr;
  KeyValueEntry() = default;
  KeyValueEntry(const KeyValueEntry&) = delete;
  KeyValueEntry& operator=(const KeyValueEntry&) = delete;
  ~KeyValueEntry() { kvEntry_Destroy(entry); }
  std::string_view value() const {
    return {static_cast<const char*>(kvEntry_Value(entry)),
            static_cast<std::size_t>(kvEntry_ValueLen(entry))};
  }
};

}  // namespace gw::cluster
