#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <gw/gateway/delivery.hpp>

namespace gw::gateway {

// Where every message for "someone" goes: one client, a topic's subscribers, or everyone. The
// commands that deliver (chat, send, broadcast, publish) know only this. A single gateway uses
// `LocalRouter`, its own hub; a cluster puts a router in front that also reaches the clients of
// other gateways, and the commands do not change.
//
// Thread-safe: called from every network thread and the worker pool at once. A call never
// blocks on a recipient: pushed copies go to write queues, polled ones to mailboxes. The router
// does not own the delivery; it copies the shared frame to each recipient.
class Router {
 public:
  virtual ~Router() = default;

  // Who a message for one client reached: the client, or (a device's name) the device's newest
  // session of `sessions`, each of which got it.
  struct Recipient {
    std::string id;
    std::string name;
    bool stored = false;  // kept in a mailbox (for its poll), not pushed
    std::size_t sessions = 1;
  };
  // How many a message reached, and for how many of them it was kept in a mailbox.
  struct Reached {
    std::size_t delivered = 0;
    std::size_t stored = 0;
    Reached& operator+=(const Reached& other) {
      delivered += other.delivered;
      stored += other.stored;
      return *this;
    }
  };
  // Delivers to the client with this id, else this name (every session of a device); nothing
  // when there is none.
  virtual std::optional<Recipient> to_client(std::string_view id_or_name,
                                             const Delivery& delivery) = 0;
  // Delivers to each client with a filter that matches `topic` (a valid topic name), once.
  virtual Reached to_topic(std::string_view topic, const Delivery& delivery) = 0;
  // Delivers to every client.
  virtual Reached to_everyone(const Delivery& delivery) = 0;
};

}  // namespace gw::gateway
