#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <gw/gateway/client.hpp>
#include <gw/gateway/cluster_link.hpp>
#include <gw/gateway/identities.hpp>
#include <gw/gateway/memory_store.hpp>
#include <gw/gateway/session_limits.hpp>
#include <gw/transports/session.hpp>

namespace gw::gateway {

template <typename Subscriber>
class TopicTree;
class ClientNames;
class RetainedMessages;

// Every client of the gateway and how to find it: by id, name, session token, a UDP client's
// address, and the topic filters it subscribed to. Thread-safe; socket-free. The hub's lock
// is taken before the topic tree's, and both before a client's, never the other way round.
// Finding a client takes the hub's lock shared and publishing only the tree's, shared, so
// network threads serving different clients do not wait for each other.
class Hub {
 public:
  using Clock = std::chrono::steady_clock;

  // Sessions and their mailboxes are kept in `store`; those it kept from before a restart
  // are back, unless they have been idle past session_idle since or their device is not
  // among `identities` (by default: the shared key's holders, who may do anything but admin).
  explicit Hub(SessionLimits limits = {},
               std::shared_ptr<Store> store = std::make_shared<MemoryStore>(),
               std::shared_ptr<const Identities> identities = shared_key_only());
  // The shared key's holders with every permission but admin, and no devices.
  static std::shared_ptr<const Identities> shared_key_only();
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;
  const SessionLimits& limits() const noexcept { return limits_; }
  Store& store() const noexcept { return *store_; }

  // The hub is one of a cluster's (before serving): new clients' ids end in "@NODE", names are
  // claimed across the cluster, and `link` hears what every client can be reached as and
  // which filters they hold, those of the clients already here included.
  void use_cluster(std::shared_ptr<ClusterLink> link);
  // The cluster's link, or null for a lone gateway.
  ClusterLink* cluster() const noexcept { return cluster_.get(); }

  // A WebSocket or TCP connection becomes a client; it ends with the connection unless it is
  // resumable and did not say goodbye, when it is kept, away, for sessions.idle.
  std::shared_ptr<Client> connect(const std::shared_ptr<transports::Session>& connection);
  void disconnect(const transports::Session& connection, bool goodbye = false);
  std::shared_ptr<Client> find_connection(const transports::Session& connection) const;

  // Makes a connection's client resumable with `resume_token` (kept in the store too); false
  // when max_sessions resumable clients exist.
  bool make_resumable(const std::shared_ptr<Client>& client, std::string resume_token);
  // The resumable client known by `resume_token` goes on over `connection`, in place of the
  // client the connection opened as; what waited for it is sent first, encoded by `encode`.
  // A client still on another connection is taken from it, and that connection closed.
  struct Resumed {
    std::shared_ptr<Client> client;
    std::size_t sent = 0;
    std::uint64_t lost = 0;
  };
  struct Refusal {
    int code;  // 400, 404 or 409
    std::string text;
  };
  // Only `identity` may resume its own sessions (403 otherwise).
  std::variant<Resumed, Refusal> resume(
      const std::shared_ptr<transports::Session>& connection, const std::string& resume_token,
      const std::function<transports::Frame(const message::Message&)>& encode,
      const Identity& identity);

  // A client becomes who its tokens are under, the first time it speaks (a connection); a
  // device's session takes the device's name. False, changing nothing, when it is someone
  // else's already: a client is one identity's for its whole life.
  bool bind(const std::shared_ptr<Client>& client, const std::shared_ptr<const Identity>& identity);

  // An HTTP or UDP client of `identity` opens a session known by `token`; null when
  // max_sessions are held.
  std::shared_ptr<Client> open_session(const std::shared_ptr<transports::Session>& request,
                                       std::string token,
                                       const std::shared_ptr<const Identity>& identity);
  std::shared_ptr<Client> find_token(std::string_view token) const;
  // In a cluster: the HTTP or UDP client of `token` whose gateway is gone goes on here, as the
  // cluster's store kept it (name, subscriptions, mailbox). Null when no gateway kept such a
  // session, or (`held_by` set) a live gateway holds it. Waits for the cluster.
  std::shared_ptr<Client> adopt(const std::string& token, std::string& held_by);
  // The newest session opened from `address` by a transport whose sessions are found by
  // address (UDP): how clients that send no token are recognised.
  std::shared_ptr<Client> find_by_address(const std::string& address) const;
  // A request came from `client` through `request` (keeps it alive, follows a client found by
  // address to where it now writes from).
  void touch(const std::shared_ptr<Client>& client,
             const std::shared_ptr<transports::Session>& request, Clock::time_point now);

  // Makes `client` an admin (the store keeps that with its session).
  void grant_admin(Client& client);

  // By client id, else by name (a device's newest session for a device's name).
  std::shared_ptr<Client> find(std::string_view id_or_name) const;
  // The same, but every session of a device for a device's name.
  std::vector<std::shared_ptr<Client>> find_all(std::string_view id_or_name) const;
  // Whether a device of the devices file has this name (nobody else may take it).
  bool is_device_name(std::string_view name) const;

  // The identities change (the devices file was reloaded). Every client goes on as its
  // identity's new self; one whose device is gone, or whose key changed, ends (it is returned
  // to be closed: the hub sends nothing); subscriptions its permissions no longer allow are
  // dropped; a client holding a name that is now a device's goes back to its id.
  struct Reidentified {
    std::vector<std::shared_ptr<Client>> ended;
    std::vector<std::pair<std::shared_ptr<Client>, std::vector<std::string>>> unsubscribed;
    std::vector<std::shared_ptr<Client>> renamed;
  };
  Reidentified use_identities(std::shared_ptr<const Identities> identities);
  // Ends a client (kick): removed from every index, connection closed, poll answered.
  void remove(const std::shared_ptr<Client>& client);
  // Kicks the client of this id or name (every session of a device's name), each told why
  // first by `notice` (when there is one); returns those kicked.
  std::vector<std::shared_ptr<Client>> kick(std::string_view id_or_name, const Delivery* notice);
  // The client asked to end its session (bye): an HTTP or UDP one ends now, a connection's is
  // no longer resumable and ends with the connection.
  void leave(const std::shared_ptr<Client>& client);

  // Gives `client` the name, unless it is invalid (400), another client's or a device's (409),
  // or the client is a device, whose name the devices file sets (403); in a cluster, also 409
  // when a client of another gateway holds it (while the cluster cannot be asked, the name is
  // given and claimed later: ClusterLink::Claim::deferred).
  std::optional<Refusal> rename(Client& client, const std::string& name);
  // A name given while the cluster could not be asked turned out to be another gateway's
  // client's: the client of `id`, if it still has `name`, is known by its id again (returned,
  // to be told; null otherwise).
  std::shared_ptr<Client> revert_name(const std::string& id, const std::string& name);
  // The handshake's name: `wanted` if free, else `wanted-2`, `wanted-3`, ...; the client's
  // current name if `wanted` is invalid, or the client is a device. Returns the name given.
  std::string claim_name(Client& client, const std::string& wanted);

  enum class Subscribed { added, already, too_many };
  Subscribed subscribe(const std::shared_ptr<Client>& client, const std::string& filter);
  bool unsubscribe(Client& client, const std::string& filter);
  enum class Retained { kept, cleared, too_many };
  // Keeps `message` as the topic's retained message (a null one clears it), in the store too,
  // and in a cluster tells the other gateways.
  Retained retain(const std::string& topic, std::shared_ptr<const message::Message> message);
  // The same for a retained message another gateway of the cluster kept (or cleared).
  Retained apply_retained(const std::string& topic,
                          std::shared_ptr<const message::Message> message);
  // The retained messages of the topics `filter` matches.
  std::vector<std::shared_ptr<const message::Message>> retained_for(std::string_view filter) const;

  // Each client whose filters match the topic, once.
  std::vector<std::shared_ptr<Client>> subscribers(std::string_view topic) const;
  // [{filter, subscribers}] by filter.
  nlohmann::json topics() const;

  std::vector<std::shared_ptr<Client>> everyone() const;
  // Every client's info, by id.
  nlohmann::json clients() const;
  // The clients of one transport (not a part of the gateway's, such as a bridge).
  std::size_t count(transports::TransportKind kind) const;

  // Answers polls past their deadline and ends sessions (and resumable clients away) idle past
  // session_idle.
  void tick(Clock::time_point now);
  // Answers every waiting poll now (the gateway is stopping).
  void end_all_polls();
  // Lets every client go, closing nothing: the transports they refer to are going away.
  // Sessions stay in the store, for the next start.
  void clear();
  // How many sessions came back from the store at start.
  std::size_t restored() const noexcept { return restored_; }

 private:
  void restore_saved_sessions();
  // Adds a session the store kept (at start, or taken over from a gateway that is gone), idle
  // for `idle`, as `identity`'s; under the hub's lock.
  std::shared_ptr<Client> add_saved_locked(const SavedSession& saved,
                                           std::unique_ptr<Mailbox> mailbox,
                                           std::chrono::system_clock::duration idle,
                                           std::shared_ptr<const Identity> identity);
  std::string client_id(const transports::Session& connection) const;
  // Tells the store what a session is now (connections are not kept).
  void save(const Client& client);
  void erase_locked(const Client& client);
  // The topic tree gains or loses `client`'s filter (and the cluster hears of it); under both
  // locks.
  void add_filter_locked(const std::string& filter, const std::shared_ptr<Client>& client);
  void remove_filter_locked(const std::string& filter, const Client& client);
  // Whether another client of this hub holds `name` or it is a device's; under the hub's lock.
  std::optional<Refusal> held_here_locked(const Client& client, const std::string& name) const;
  // Asks the cluster for `name` (no lock held): nothing when granted, else why not.
  std::optional<Refusal> claim_in_cluster(const Client& client, const std::string& name);

  // Forgets that `address` is `client`'s, unless another client has taken it since.
  void forget_address_locked(const Client& client, const std::string& address);

  const SessionLimits limits_;
  const std::shared_ptr<Store> store_;
  // Client ids are "c" and a number; numbers of new clients start above the restored ones.
  std::uint64_t id_base_ = 0;
  std::string id_suffix_;  // "@NODE" in a cluster
  std::shared_ptr<ClusterLink> cluster_;
  std::size_t restored_ = 0;
  // Read-mostly: every message looks its client up (shared), while connecting, naming and
  // subscribing change the indexes (exclusive).
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Client>> clients_;  // by id
  std::shared_ptr<const Identities> identities_;
  std::unique_ptr<ClientNames> names_;
  std::unordered_map<std::string, std::shared_ptr<Client>> tokens_;
  std::unordered_map<std::string, std::shared_ptr<Client>> addresses_;      // found_by_address
  std::unordered_map<std::uint64_t, std::shared_ptr<Client>> connections_;  // by Session::id
  std::unordered_map<std::string, std::shared_ptr<Client>> resumable_;      // by resume token
  // When the resumable clients still connected were last saved as heard from.
  Clock::time_point connected_saved_ = Clock::now();
  mutable std::shared_mutex topics_mutex_;
  std::unique_ptr<TopicTree<Client>> topics_;  // changed under both locks
  std::unique_ptr<RetainedMessages> retained_;
};

// Why a name cannot be a client's name, or nothing: 1 to 64 bytes, no control character, and
// not shaped like a client id (parse_client_id) unless it is `own_id`.
std::optional<std::string> check_client_name(std::string_view name, std::string_view own_id);

}  // namespace gw::gateway
