#pragma once

#include <cstddef>
#include <functional>
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
  // How many a message reached here, and for how many of them it was kept in a mailbox; in a
  // cluster, how many other gateways it was sent to, or why it could not be (then it reached
  // this gateway's clients only).
  struct Reached {
    std::size_t delivered = 0;
    std::size_t stored = 0;
    std::size_t gateways = 0;
    std::string unreachable;
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
  // The same, where the recipient may be a client of another gateway: `done` is called once,
  // at once or on the cluster's thread, with the recipient, or with none and `unreachable`
  // empty (nobody has that id or name) or saying why the cluster could not be asked.
  struct Found {
    std::optional<Recipient> recipient;
    std::string unreachable;
  };
  virtual void to_client_anywhere(std::string_view id_or_name, const Delivery& delivery,
                                  std::function<void(Found)> done) {
    done(Found{to_client(id_or_name, delivery), {}});
  }
  // Delivers to each client with a filter that matches `topic` (a valid topic name), once.
  virtual Reached to_topic(std::string_view topic, const Delivery& delivery) = 0;
  // Delivers to every client.
  virtual Reached to_everyone(const Delivery& delivery) = 0;
};

}  // namespace gw::gateway
