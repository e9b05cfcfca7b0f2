#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include <gw/gateway/cluster_link.hpp>

#include "key_value_bucket.hpp"
#include "nats_connection.hpp"

namespace gw::cluster {

// Client names unique across the cluster, in a JetStream key-value bucket: a name is a key whose
// value says which client of which gateway holds it. A gateway takes a name by creating the key
// (JetStream refuses a second create: two gateways cannot both give out "printer"), or by
// updating it at the revision it read when the holder is gone (compare and set). Calls wait for
// JetStream; a caller keeps them off the network threads where it can. Thread-safe.
class NameClaims {
 public:
  // JetStream's answer; `unavailable` when it could not be asked (the caller defers the claim).
  enum class Claim { granted, taken, unavailable };
  // Whether the client `client_id` of gateway `node` still exists.
  using HolderExists = std::function<bool(const std::string& node, const std::string& client_id)>;

  NameClaims(NatsConnection& nats, std::string bucket, int replicas, std::string node,
             HolderExists holder_exists);

  // A client refused a name is refused it again for a few seconds without asking JetStream:
  // the original clients send their userID with every message, and one whose name is taken
  // would otherwise ask once per message.
  Claim claim(const std::string& name, const std::string& client_id);
  // Deletes the key if `client_id` still holds it.
  void release(const std::string& name, const std::string& client_id);

 private:
  Claim take_over(kvStore* names, const std::string& key, const std::string& value,
                  const std::string& client_id);

  NatsConnection& nats_;
  KeyValueBucket bucket_;
  const std::string node_;
  const HolderExists holder_exists_;
  std::mutex refused_mutex_;
  // "name\nclient id" -> when it was refused; bounded (cleared when full).
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> refused_;
};

}  // namespace gw::cluster
