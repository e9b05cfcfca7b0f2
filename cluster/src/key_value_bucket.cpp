#include "key_value_bucket.hpp"

#include <span>

#include <spdlog/spdlog.h>

#include <gw/message/base64url.hpp>

namespace gw::cluster {

std::string KeyValueBucket::key_for(std::string_view text) {
  return message::base64url::encode(
      std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

KeyValueBucket::~KeyValueBucket() {
  kvStore_Destroy(bucket_);
}

kvStore* KeyValueBucket::handle() {
  std::lock_guard lock(mutex_);
  if (bucket_ || !nats_.connected()) return bucket_;
  kvConfig config;
  kvConfig_Init(&config);
  config.Bucket = name_.c_str();
  config.Description = description_.c_str();
  config.History = 1;
  config.Replicas = replicas_;
  config.TTL = std::chrono::nanoseconds(ttl_).count();  // the stream's max age
  config.StorageType = js_FileStorage;
  // Creating it again with the same configuration succeeds; if it differs, open it as it is.
  auto status = js_CreateKeyValue(&bucket_, nats_.jetstream(), &config);
  if (status != NATS_OK) status = js_KeyValue(&bucket_, nats_.jetstream(), name_.c_str());
  if (status != NATS_OK) {
    spdlog::warn("cluster: the bucket {} cannot be used: {}", name_,
                 NatsConnection::describe(status));
    bucket_ = nullptr;
  }
  return bucket_;
}

}  // namespace gw::cluster
