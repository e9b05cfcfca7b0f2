#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gw/gateway/store.hpp>
#include <gw/message/codec.hpp>

namespace gw::gateway {

// What a gateway that is one of several needs of the others (gw/cluster puts one in place; a
// lone gateway has none, and nothing below is called). The hub tells it what its clients can
// be reached as and which topic filters they hold, so that the cluster sends this gateway only
// what its clients need; the hub and the commands ask it for what only the cluster knows.
//
// Thread-safe. Calls marked "does not wait" may be made under the hub's locks: they hand the
// work to the cluster's own thread.
class ClusterLink {
 public:
  virtual ~ClusterLink() = default;

  // This gateway's name in the cluster: the suffix of its clients' ids ("c7@NODE").
  virtual const std::string& node() const noexcept = 0;

  // A client of this gateway can be reached as `id_or_name` (its id, its name, its device's
  // name), or no longer: one call of each per client and name. Does not wait.
  virtual void reachable_as(const std::string& id_or_name) = 0;
  virtual void unreachable_as(const std::string& id_or_name) = 0;
  // A client of this gateway subscribed to `filter`, or no longer. Does not wait.
  virtual void filter_added(const std::string& filter) = 0;
  virtual void filter_removed(const std::string& filter) = 0;

  // Names are unique across the cluster: `client_id` takes `name` unless a client of another
  // gateway holds it. Waits for one exchange with the cluster (bounded by a timeout). While the
  // cluster cannot be asked, a name is given here and claimed once it is back (`deferred`); if
  // another gateway's client took it meanwhile, the hub takes it back (Hub::revert_name).
  enum class Claim { granted, taken, deferred };
  virtual Claim claim_name(const std::string& name, const std::string& client_id) = 0;
  // The client gave its claimed name up (renamed, ended). Does not wait.
  virtual void release_name(const std::string& name, const std::string& client_id) = 0;

  // A topic's retained message changed here (null: cleared): every gateway keeps the same, and
  // the cluster's store too. Does not wait.
  virtual void retained_changed(const std::string& topic, const message::Message* message) = 0;

  // This gateway acted on a token: every other gateway refuses it from now on. Does not wait.
  virtual void admitted(const message::TokenStamp& stamp) = 0;

  // The cluster's gateways that answer: [{node, server, endpoints}], this one first.
  virtual nlohmann::json nodes() const = 0;
  // The clients of the other gateways, each with its `node`; `done` is called once, on the
  // cluster's thread or at once, with the list and, when some gateway could not be asked,
  // a line that says so (else empty).
  using ClientsDone = std::function<void(nlohmann::json clients, std::string problem)>;
  virtual void other_clients(ClientsDone done) = 0;

  // The HTTP or UDP session of `token` when the gateway that held it is gone: now this
  // gateway's, as the cluster's store kept it (the store reads its mailbox when the hub opens
  // it). Nothing when no gateway kept such a session; `held_by` names a live gateway that holds
  // it. Waits for the cluster.
  struct Adopted {
    std::optional<SavedSession> session;
    std::string held_by;
  };
  virtual Adopted adopt_session(const std::string& token) = 0;

  // What another gateway answered for its client: `code` 200 with the client's `reply` (ask) or
  // what was done (`text`, `data`: kick); 404 when no gateway has a client of that id or name;
  // 503 when the cluster cannot be asked; 504 when the client did not answer in time.
  struct Remote {
    int code = 200;
    std::string text;
    std::optional<message::Message> reply;
    nlohmann::json data;
  };
  using RemoteDone = std::function<void(Remote)>;
  // `ask` of a client of another gateway: that gateway sends `request` to its client and
  // answers with the client's reply. `done` is called once, on the cluster's thread or at once.
  virtual void ask_elsewhere(const std::string& who, message::Message request,
                             std::chrono::seconds timeout, RemoteDone done) = 0;
  // `kick` of a client (every session of a device) of other gateways.
  virtual void kick_elsewhere(const std::string& who, RemoteDone done) = 0;

  // Empty while the cluster is reachable; else why not (for /healthz and 503 replies).
  virtual std::string problem() const = 0;
  // Prometheus lines of the cluster's own counters, for /metrics.
  virtual std::string metrics_text() const = 0;
};

}  // namespace gw::gateway
