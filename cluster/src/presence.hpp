#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include <gw/gateway/cluster_link.hpp>
#include <gw/message/codec.hpp>

#include "cluster_counters.hpp"
#include "nats_connection.hpp"
#include "node_roster.hpp"
#include "pending_replies.hpp"
#include "subjects.hpp"

namespace gw::gateway {
class Gateway;
}

namespace gw::cluster {

// Which gateways of the cluster are up, and who their clients are: each gateway says it is
// alive every second (its endpoints and advertised host, and what its clients provide, sealed);
// one not heard for `lifetime` is gone, and so are its providers. `clients` asks every live
// gateway for its list. Thread-safe.
class Presence {
 public:
  using Clock = std::chrono::steady_clock;
  using CodecOf = std::function<std::shared_ptr<const message::Codec>()>;
  struct Parts {
    NatsConnection& nats;
    const Subjects& subjects;
    PendingReplies& pending;
    ClusterCounters& counters;
    std::string node;
    std::string advertise;  // the host clients reach this gateway at; empty: not said
    CodecOf codec;
  };
  explicit Presence(Parts parts);

  // Starts listening to the others' heartbeats and requests, for `gateway`.
  void attach(gateway::Gateway& gateway);
  // Says this gateway is alive, and forgets the providers of gateways gone (the cluster's
  // thread calls it each second).
  void send_heartbeat();

  // Whether `node` sent a heartbeat lately (or this gateway has not listened long enough to
  // tell a gateway that is gone).
  bool alive(const std::string& node) const;
  std::size_t others_alive() const;
  // This gateway first, then the others alive.
  nlohmann::json nodes() const;
  void other_clients(gateway::ClusterLink::ClientsDone done);

 private:
  nlohmann::json own_info() const;
  void answer_clients(const std::string& reply);
  void forget_the_gone();

  Parts parts_;
  gateway::Gateway* gateway_ = nullptr;  // set by attach, before anything runs
  NodeRoster roster_;
  const Clock::time_point started_ = Clock::now();
};

}  // namespace gw::cluster
