#pragma once

#include <chrono>
#include <string>

#include <gw/gateway/cluster_link.hpp>

#include "cluster_counters.hpp"
#include "nats_connection.hpp"
#include "pending_replies.hpp"
#include "subjects.hpp"

namespace gw::gateway {
class Gateway;
}

namespace gw::cluster {

// `ask` and `kick` of a client of another gateway: a request on the subject of the client's
// name (as messages for it go), marked by its Gw-Kind header and sealed under the shared key;
// the gateway that has the client does it and answers. Nobody subscribed to the name: 404.
class RemoteCommands {
 public:
  struct Parts {
    gateway::Gateway& gateway;
    NatsConnection& nats;
    const Subjects& subjects;
    PendingReplies& pending;
    std::string node;
    ClusterCounters& counters;
  };
  explicit RemoteCommands(Parts parts) : parts_(std::move(parts)) {}

  void ask(const std::string& who, message::Message request, std::chrono::seconds timeout,
           gateway::ClusterLink::RemoteDone done);
  void kick(const std::string& who, gateway::ClusterLink::RemoteDone done);
  // Does what another gateway asked of a client here (`incoming.kind`), and answers.
  void answer(const NatsConnection::Incoming& incoming);

 private:
  void send(const std::string& kind, const std::string& who, const nlohmann::json& body,
            std::chrono::steady_clock::duration wait, gateway::ClusterLink::RemoteDone done);
  void reply(const std::string& to, const gateway::ClusterLink::Remote& remote);

  Parts parts_;
};

}  // namespace gw::cluster
