#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <gw/gateway/bridge_report.hpp>
#include <gw/gateway/codec_slot.hpp>
#include <gw/gateway/command_registry.hpp>
#include <gw/gateway/device.hpp>
#include <gw/gateway/feed_options.hpp>
#include <gw/gateway/gateway_control.hpp>
#include <gw/gateway/history_spec.hpp>
#include <gw/gateway/hub.hpp>
#include <gw/gateway/identities.hpp>
#include <gw/gateway/lookup_tables.hpp>
#include <gw/gateway/memory_store.hpp>
#include <gw/gateway/metrics.hpp>
#include <gw/gateway/outgoing_requests.hpp>
#include <gw/gateway/periodic_services.hpp>
#include <gw/gateway/rate_limits.hpp>
#include <gw/gateway/replay_guard_options.hpp>
#include <gw/gateway/requestables.hpp>
#include <gw/gateway/router.hpp>
#include <gw/gateway/server_info.hpp>
#include <gw/gateway/services.hpp>
#include <gw/gateway/session_limits.hpp>
#include <gw/gateway/snapshot_slot.hpp>
#include <gw/gateway/worker_pool.hpp>
#include <gw/message/codec.hpp>
#include <gw/transports/handler.hpp>
#include <gw/transports/network_list.hpp>
#include <gw/transports/transport_stats.hpp>

namespace gw::gateway {

class Dispatcher;
// What requests pass before their commands run (gateway/src/admission/).
class AddressRates;
class AuthThrottle;
class KeyHints;
class KeySearchBudget;
class ReplayGuard;
class TopicHistory;   // gateway/src/hub/
class TopicActivity;  // gateway/src/hub/
class StatsFeed;      // gateway/src/metrics/

// What the gateway is told besides its keys.
struct GatewaySettings {
  SessionLimits sessions;
  // The key `auth` grants admin permission for; empty: nobody can become admin.
  std::string admin_key;
  // Threads for blocking commands, and how many such commands may wait for one.
  unsigned worker_threads = WorkerPool::default_threads;
  std::size_t worker_queue = WorkerPool::default_queue;
  // The tables `lookup` reads ([[tables]] in the configuration).
  std::vector<TableSpec> tables;
  // The topics that keep history ([[history]]); none by default.
  std::vector<HistorySpec> history;
  RateLimits rates;
  // Addresses exempt from the per-address rate limit (the transports' trusted networks).
  transports::NetworkList trusted_networks;
  // Off only to measure its cost or in a closed lab: replays are then acted on.
  bool replay_guard = true;
  std::size_t replay_entries = ReplayGuardOptions{}.capacity;
  // What holders of the shared key may do ([shared_key]); nothing: tokens under it are
  // refused, and only devices are served.
  std::optional<PermissionLists> shared_key = Permissions::everything_but_admin().lists();
  // The devices, each with a key of its own (the devices file), at start.
  std::vector<Device> devices;
  // The $gw feed: who may read it, and how often it is published.
  FeedOptions feed;
};

// The socket-free core: who the gateway is, its keys, its commands, its clients and its
// counters, and the dispatcher the transports hand their frames to.
class Gateway {
 public:
  // What the gateway keeps for its clients (mailboxes) is kept in `store`.
  Gateway(ServerInfo server, message::Codec codec, GatewaySettings settings = {},
          std::shared_ptr<Store> store = std::make_shared<MemoryStore>());
  ~Gateway();

  ServerInfo& server() noexcept { return server_; }
  const ServerInfo& server() const noexcept { return server_; }
  const GatewaySettings& settings() const noexcept { return settings_; }
  CodecSlot& codec() noexcept { return codec_; }
  // Whose tokens the gateway reads (the shared key's holders and the devices) and what each
  // may do; replaced whole by use_devices.
  const SnapshotSlot<Identities>& identities() const noexcept { return identities_; }
  // Makes `devices` the gateway's devices, at once for every client: a device no longer there
  // (or whose key changed) is disconnected and its tokens refused; subscriptions its new
  // permissions do not allow are dropped, and the client told. Throws DeviceFileError, and
  // changes nothing, when a device names a command, requestable or table the gateway does not
  // have. Returns what changed, in a line.
  std::string use_devices(std::vector<Device> devices);
  // Throws DeviceFileError naming the first device (and its line) whose permissions name a
  // command, requestable or table this gateway does not have, or an admin command.
  void check_devices(std::span<const Device> devices) const;
  // Which devices were heard from each host lately, tried first for its next token.
  KeyHints& key_hints() noexcept { return *key_hints_; }
  // The device keys that may be tried per second to find an unknown token's key.
  KeySearchBudget& key_search_budget() noexcept { return *key_search_budget_; }
  CommandRegistry& commands() noexcept { return commands_; }
  Hub& hub() noexcept { return hub_; }
  TopicHistory& history() noexcept { return *history_; }
  // Where deliveries to someone go: this gateway's hub unless another router was put in place.
  Router& router() noexcept { return *router_; }
  // What is published to which topic lately, kept while the feed's $gw/topics has a reader.
  TopicActivity& topic_activity() noexcept { return *activity_; }
  const StatsFeed& feed() const noexcept { return *feed_; }
  // Replaces the router (a cluster's, or one that watches the local one), before serving.
  void use_router(std::unique_ptr<Router> router) { router_ = std::move(router); }
  Metrics& metrics() noexcept { return metrics_; }
  AuthThrottle& auth_throttle() noexcept { return *auth_throttle_; }
  transports::TransportStatsBoard& transport_stats() noexcept { return transport_stats_; }
  GatewayControl& control() noexcept { return control_; }
  // The files served on GET besides /healthz and /metrics, by path (gatewayd serves the
  // console's). Set before serving; none by default.
  using FileFinder = std::function<std::optional<transports::HttpPage>(std::string_view path)>;
  void serve_files(FileFinder find) { files_ = std::move(find); }
  const FileFinder& files() const noexcept { return files_; }
  // The bridges to other systems that /healthz, the feed and /metrics report on; set before
  // serving, none by default.
  void report_bridges(std::shared_ptr<const BridgeReport> report) { bridges_ = std::move(report); }
  const BridgeReport* bridges() const noexcept { return bridges_.get(); }
  Requestables& requestables() noexcept { return requestables_; }
  // The commands clients provide.
  Services& services() noexcept { return services_; }
  // Runs `task` on the worker pool every `interval` (LocalThingsNetwork's periodic services);
  // logged when it throws, disabled after three failures in a row. `get periodic` lists them.
  void every(std::string name, std::chrono::milliseconds interval, PeriodicServices::Task task) {
    periodic_.every(std::move(name), interval, std::move(task));
  }
  const PeriodicServices& periodic() const noexcept { return periodic_; }
  LookupTables& tables() noexcept { return tables_; }
  OutgoingRequests& outgoing_requests() noexcept { return outgoing_; }
  // The tokens already acted on, whatever their transport; null when switched off.
  ReplayGuard* replay_guard() noexcept { return replay_guard_.get(); }
  // Counts a token as acted on (by another gateway of the cluster, or a cluster message
  // delivered here): false when it was before, or is too old for the guard to vouch for; true
  // when the guard is off.
  bool admit_stamp(const message::TokenStamp& stamp);
  AddressRates& address_rates() noexcept { return *address_rates_; }

  // Sends `request` to a client and calls `done` with the client's reply (matched by id), or
  // with nothing if none comes within `timeout` or the client is gone. The gateway sets id,
  // userID and timestamp; `from` is kept (a service call says who called). Returns false, without
  // calling `done`, when the message cannot be encoded.
  bool ask(const std::shared_ptr<Client>& client, message::Message request,
           std::chrono::seconds timeout, OutgoingRequests::Callback done);
  WorkerPool& workers() noexcept { return workers_; }
  // What the transports call.
  transports::Handler& handler() noexcept;

  // Time passes: long polls reach their deadline, idle sessions expire. Called a few times a
  // second by the program that runs the gateway.
  void tick(std::chrono::steady_clock::time_point now);

  // From now on new requests are answered 503; waiting polls are answered now.
  void begin_stopping();
  bool stopping() const noexcept { return stopping_.load(std::memory_order_relaxed); }

  // After the network threads have stopped, before their io_context is destroyed: runs the
  // blocking commands still queued, ends the gateway's requests, and lets every client go, so
  // that nothing the gateway holds refers to a transport any more.
  void release_transports();

 private:
  // The ping service (sessions.ping_every): asks each client that offers `ping` for one.
  void ping_clients();

  ServerInfo server_;
  GatewaySettings settings_;
  CodecSlot codec_;
  SnapshotSlot<Identities> identities_;
  CommandRegistry commands_;
  Hub hub_;
  std::unique_ptr<TopicHistory> history_;
  std::unique_ptr<TopicActivity> activity_;
  Metrics metrics_;
  std::unique_ptr<Router> router_;
  transports::TransportStatsBoard transport_stats_;
  GatewayControl control_;
  FileFinder files_;
  std::shared_ptr<const BridgeReport> bridges_;
  Requestables requestables_;
  Services services_;
  PeriodicServices periodic_;
  LookupTables tables_;
  OutgoingRequests outgoing_;
  std::unique_ptr<ReplayGuard> replay_guard_;
  std::unique_ptr<AuthThrottle> auth_throttle_;
  std::unique_ptr<AddressRates> address_rates_;
  std::unique_ptr<KeyHints> key_hints_;
  std::unique_ptr<KeySearchBudget> key_search_budget_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<StatsFeed> feed_;
  std::atomic<bool> stopping_{false};
  WorkerPool workers_;  // last: joined first, while what its jobs use still exists
};

}  // namespace gw::gateway
