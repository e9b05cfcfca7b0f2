#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gw/gateway/cluster_link.hpp>
#include <gw/gateway/cluster_settings.hpp>
#include <gw/gateway/duties.hpp>
#include <gw/gateway/store.hpp>
#include <gw/message/codec.hpp>

namespace gw::gateway {
class Gateway;
}

namespace gw::cluster {

class ClusterRouter;
class ClusterStore;
class DutyRoster;
class JetStreamWriter;
class Interest;
class NameClaims;
class NatsConnection;
class Presence;
class PendingReplies;
class RemoteCommands;
class RetainedSync;
class Subjects;
struct ClusterCounters;

// This gateway as one of a cluster's, through NATS, in two steps. First (`connect`, before the
// gateway exists) it connects and wraps the gateway's store: sessions and mailboxes go to
// JetStream. Then (`join`, before the gateway serves) it puts a cluster router in front of the
// gateway's own, and tells the hub to report its clients' names and filters here (interest), to
// claim names in JetStream, and to share the tokens it admits. A thread of its own makes the
// NATS subscriptions interest asks for, sends heartbeats, and ends requests past their time.
//
// NATS unreachable, at start or later, does not stop the gateway: its own clients are served,
// cross-gateway deliveries are answered 503 and `problem` says why, until the client library
// reconnects by itself.
class ClusterNode final : public gateway::ClusterLink,
                          public std::enable_shared_from_this<ClusterNode> {
 public:
  // Connects to the cluster `settings` names, as `node`, with the gateway's keys (`codec`, until
  // the gateway's own are at hand). Throws std::runtime_error when the settings cannot be used
  // (a credentials file that is not one).
  static std::shared_ptr<ClusterNode> connect(const gateway::ClusterSettings& settings,
                                              const std::string& node, message::Codec codec);
  ClusterNode(const gateway::ClusterSettings& settings, const std::string& node,
              message::Codec codec);
  ~ClusterNode() override;
  ClusterNode(const ClusterNode&) = delete;
  ClusterNode& operator=(const ClusterNode&) = delete;

  // The store the gateway is to have: `local` for retained messages and topic history,
  // JetStream for sessions and mailboxes. Once, before the gateway is made.
  std::shared_ptr<gateway::Store> store(std::shared_ptr<gateway::Store> local);
  // Joins `gateway` (made with store()) to the cluster, before it serves.
  void join(gateway::Gateway& gateway);

  // Leaves the cluster: closes NATS (no handler runs after) and stops the thread. Called once
  // the network threads have stopped, before the gateway goes; the destructor does it too.
  void leave();
  // One line for the banner.
  std::string describe() const;
  // Work one gateway of the cluster does at a time (an MQTT bridge), taken in turn.
  std::shared_ptr<gateway::Duties> duties() const;

  const std::string& node() const noexcept override { return node_; }
  void reachable_as(const std::string& id_or_name) override;
  void unreachable_as(const std::string& id_or_name) override;
  void filter_added(const std::string& filter) override;
  void filter_removed(const std::string& filter) override;
  Claim claim_name(const std::string& name, const std::string& client_id) override;
  void release_name(const std::string& name, const std::string& client_id) override;
  void retained_changed(const std::string& topic, const message::Message* message) override;
  void admitted(const message::TokenStamp& stamp) override;
  nlohmann::json nodes() const override;
  void other_clients(ClientsDone done) override;
  Adopted adopt_session(const std::string& token) override;
  void ask_elsewhere(const std::string& who, message::Message request, std::chrono::seconds timeout,
                     RemoteDone done) override;
  void kick_elsewhere(const std::string& who, RemoteDone done) override;
  std::string problem() const override;
  std::string metrics_text() const override;

 private:
  void subscribe_fixed_subjects();
  void run(const std::stop_token& stop);
  // Wakes the thread for work.
  void wake();
  // Claims the names given while the cluster could not be asked; a name another gateway's
  // client holds is taken back from the client here, which is told.
  void claim_deferred();
  bool holder_exists(const std::string& node, const std::string& client_id) const;

  // The gateway's keys, or the ones given at connect until it joins.
  std::shared_ptr<const message::Codec> codec() const;

  std::atomic<gateway::Gateway*> gateway_{nullptr};  // set by join
  const std::shared_ptr<const message::Codec> initial_codec_;
  const gateway::ClusterSettings settings_;
  const std::string node_;
  std::unique_ptr<Subjects> subjects_;
  std::unique_ptr<ClusterCounters> counters_;
  std::unique_ptr<Presence> presence_;
  std::unique_ptr<PendingReplies> pending_;
  std::unique_ptr<NatsConnection> nats_;
  std::unique_ptr<Interest> names_;
  std::unique_ptr<Interest> filters_;
  std::unique_ptr<NameClaims> claims_;
  std::shared_ptr<DutyRoster> duties_;
  std::shared_ptr<JetStreamWriter> writer_;
  std::shared_ptr<ClusterStore> store_;
  ClusterRouter* router_ = nullptr;  // the gateway's (it owns it)
  std::unique_ptr<RemoteCommands> remote_commands_;
  std::unique_ptr<RetainedSync> retained_;
  // Work for the thread: names to release; woken for them and for interest changes.
  std::mutex work_mutex_;
  std::condition_variable_any work_changed_;
  bool work_ = false;
  std::vector<std::pair<std::string, std::string>> releases_;  // name, client id
  // Names given while the cluster could not be asked, to claim when it is back: name, id.
  std::vector<std::pair<std::string, std::string>> deferred_claims_;
  std::jthread thread_;
  std::once_flag left_;
};

}  // namespace gw::cluster
