#pragma once

#include <memory>
#include <string>

#include <gw/gateway/router.hpp>

#include "cluster_counters.hpp"
#include "interest.hpp"
#include "nats_connection.hpp"
#include "pending_replies.hpp"
#include "presence.hpp"
#include "remote_commands.hpp"
#include "subjects.hpp"

namespace gw::gateway {
class Gateway;
}

namespace gw::cluster {

// The router of a gateway in a cluster: what this gateway's clients need is delivered here, by
// the local router; what other gateways' clients need goes over NATS once, as the message's
// token under the shared key, and each gateway that receives it delivers it to its own clients
// (encrypting once per device key there, not once per recipient).
//
// A message for one client not here is a NATS request to the subject of its name: the gateway
// that has it answers who got it; nobody subscribed means nobody has that name (404), and so
// does the gateway of an id that has just left, while its subject drains; no answer within a
// timeout, or NATS away, is 503. A publication goes to its topic's subject,
// which only gateways with a matching subscriber subscribe to. Thread-safe.
class ClusterRouter final : public gateway::Router {
 public:
  struct Parts {
    gateway::Gateway& gateway;
    std::unique_ptr<gateway::Router> local;
    NatsConnection& nats;
    const Subjects& subjects;
    PendingReplies& pending;
    const Presence& presence;
    const Interest& filters;
    std::string node;
    ClusterCounters& counters;
    RemoteCommands& remote_commands;  // what a Gw-Kind request for a client here asks
  };
  explicit ClusterRouter(Parts parts);

  std::optional<Recipient> to_client(std::string_view id_or_name,
                                     const gateway::Delivery& delivery) override;
  void to_client_anywhere(std::string_view id_or_name, const gateway::Delivery& delivery,
                          std::function<void(Found)> done) override;
  Reached to_topic(std::string_view topic, const gateway::Delivery& delivery) override;
  Reached to_everyone(const gateway::Delivery& delivery) override;

  // What other gateways send: a message for a client here (answered), a publication that
  // matched `filter` here, a message for everyone.
  NatsConnection::Handler for_client();
  NatsConnection::Handler for_filter(const std::string& filter);
  NatsConnection::Handler for_everyone();

 private:
  // The message of a token from NATS, ready to deliver here; nothing when it is not under the
  // key or was delivered before (counted).
  std::optional<gateway::Delivery> open(std::string_view token);
  // Sends the delivery's token on `subject`; why not, when it could not be.
  std::string publish(const std::string& subject, const gateway::Delivery& delivery);

  Parts parts_;
};

}  // namespace gw::cluster
