#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <gw/gateway/duties.hpp>

#include "key_value_bucket.hpp"
#include "nats_connection.hpp"

namespace gw::cluster {

// Duties as leases in a JetStream key-value bucket whose keys expire `lease` after their last
// write; a duty's key names the gateway doing it. A volunteer takes a duty by creating its key
// (JetStream refuses a second create, so two cannot both take it). The holder writes the key
// again every round at the revision it last wrote (compare and set), which keeps the lease
// alive; a holder that stops (it died) loses the duty when the key expires, and the next
// volunteer to create it takes over.
//
// A holder that cannot reach JetStream keeps its duty: cut off from NATS, its gateway serves
// its own clients, and the duty with them. Once JetStream answers again, a holder whose lease
// another gateway has taken meanwhile gives the duty up. check() runs on the cluster's thread,
// which calls every `changed` there. Thread-safe.
class DutyRoster final : public gateway::Duties {
 public:
  static constexpr auto lease = std::chrono::seconds(6);
  static constexpr auto round = std::chrono::seconds(1);

  DutyRoster(NatsConnection& nats, std::string bucket, int replicas, std::string node);

  void volunteer(const std::string& duty, Changed changed) override;
  void withdraw(const std::string& duty) override;
  // One round: every duty held is written again, every other one taken if nobody holds it.
  // `changed` is called where the answer changed; a duty JetStream could not be asked about
  // stays as it was.
  void check();

 private:
  struct Volunteer {
    Changed changed;
    std::string holder;          // the node doing it, as last seen; empty before the first round
    std::uint64_t revision = 0;  // of this gateway's last write, while it holds the duty
  };
  // The node that holds the duty now (this one's when it took or kept it); nothing when
  // JetStream could not say.
  std::optional<std::string> renew(kvStore* bucket, const std::string& key,
                                   std::uint64_t& revision);
  std::optional<std::string> take(kvStore* bucket, const std::string& key, std::uint64_t& revision);

  NatsConnection& nats_;
  KeyValueBucket bucket_;
  const std::string node_;
  const std::string value_;  // what this gateway writes: {"node": NODE}
  std::mutex round_mutex_;   // a round or a withdrawal at a time
  std::mutex mutex_;         // duties_
  std::map<std::string, Volunteer> duties_;
};

}  // namespace gw::cluster
