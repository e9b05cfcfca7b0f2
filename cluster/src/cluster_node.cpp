#include <charconv>
#include <cstring>

#include <spdlog/spdlog.h>

#include <gw/cluster/cluster_node.hpp>
#include <gw/gateway/gateway.hpp>
#include <gw/gateway/local_router.hpp>

#include "cluster_counters.hpp"
#include "cluster_router.hpp"
#include "cluster_store.hpp"
#include "duty_roster.hpp"
#include "interest.hpp"
#include "jetstream_writer.hpp"
#include "name_claims.hpp"
#include "nats_connection.hpp"
#include "pending_replies.hpp"
#include "presence.hpp"
#include "remote_commands.hpp"
#include "retained_sync.hpp"
#include "sealed.hpp"
#include "subjects.hpp"

namespace gw::cluster {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto tick = std::chrono::milliseconds(100);
constexpr auto heartbeat_period = std::chrono::seconds(1);
// Writes to JetStream waiting at most; more are refused (the store answers 503 for them).
constexpr std::size_t writer_capacity = 65536;

// A token stamp on the wire: 8 bytes of timestamp, big-endian, then the MAC's 16.
constexpr std::size_t stamp_bytes = 8 + message::TokenStamp::mac_bytes;

std::string stamp_text(const message::TokenStamp& stamp) {
  std::string text(stamp_bytes, '\0');
  auto time = static_cast<std::uint64_t>(stamp.timestamp);
  for (int i = 7; i >= 0; --i, time >>= 8)
    text[static_cast<std::size_t>(i)] = static_cast<char>(time & 0xFF);
  std::memcpy(text.data() + 8, stamp.mac.data(), stamp.mac.size());
  return text;
}

std::optional<message::TokenStamp> stamp_of(std::string_view text) {
  if (text.size() != stamp_bytes) return std::nullopt;
  message::TokenStamp stamp;
  std::uint64_t time = 0;
  for (std::size_t i = 0; i < 8; ++i)
    time = (time << 8) | static_cast<unsigned char>(text[i]);
  stamp.timestamp = static_cast<message::UnixSeconds>(time);
  std::memcpy(stamp.mac.data(), text.data() + 8, stamp.mac.size());
  return stamp;
}

std::uint64_t sequence_of(std::string_view subject) {
  const auto dot = subject.rfind('.');
  std::uint64_t sequence = 0;
  if (dot != std::string_view::npos)
    std::from_chars(subject.data() + dot + 1, subject.data() + subject.size(), sequence);
  return sequence;
}

}  // namespace

std::shared_ptr<ClusterNode> ClusterNode::connect(const gateway::ClusterSettings& settings,
                                                  const std::string& node, message::Codec codec) {
  return std::make_shared<ClusterNode>(settings, node, std::move(codec));
}

ClusterNode::ClusterNode(const gateway::ClusterSettings& settings, const std::string& node,
                         message::Codec codec)
    : initial_codec_(std::make_shared<const message::Codec>(std::move(codec))),
      settings_(settings),
      node_(node),
      subjects_(std::make_unique<Subjects>(settings.name)),
      counters_(std::make_unique<ClusterCounters>()),
      pending_(std::make_unique<PendingReplies>()) {
  NatsConnection::Options options;
  options.servers = settings.nats;
  options.name = "gatewayd " + node + " (cluster " + settings.name + ")";
  options.user = settings.user;
  options.password = settings.password;
  options.token = settings.token;
  options.credentials_file = settings.credentials.string();
  options.ca_file = settings.tls_ca.string();
  options.on_change = [this](bool up, const std::string& why) {
    if (!up) spdlog::warn("cluster: {}; serving this gateway's clients only meanwhile", why);
  };
  nats_ = std::make_unique<NatsConnection>(std::move(options));
  presence_ = std::make_unique<Presence>(Presence::Parts{*nats_, *subjects_, *pending_, *counters_,
                                                         node, settings.advertise,
                                                         [this] { return this->codec(); }});
  // The store's sessions are read at start: NATS is given a moment to answer.
  for (int i = 0; i < 20 && !nats_->connected(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  claims_ = std::make_unique<NameClaims>(
      *nats_, "gw-" + settings.name + "-names", settings.replicas, node,
      [this](const std::string& holder_node, const std::string& client_id) {
        return holder_exists(holder_node, client_id);
      });
  duties_ = std::make_shared<DutyRoster>(*nats_, "gw-" + settings.name + "-duties",
                                         settings.replicas, node);
  // Their handlers come from the router made at join; they are called only while NATS is
  // open, which leave() ends first. A client's subject is drained when it leaves: a request
  // sent to it a moment before, which NATS had already routed here, is answered "gone" rather
  // than lost to its timeout.
  names_ = std::make_unique<Interest>(
      [this](const std::string& name) {
        return std::vector<std::string>{subjects_->to_client(name)};
      },
      [this](const std::string&) { return router_->for_client(); }, Interest::Release::drain);
  filters_ = std::make_unique<Interest>(
      [this](const std::string& filter) { return subjects_->filter(filter); },
      [this](const std::string& filter) { return router_->for_filter(filter); });
  writer_ =
      std::make_shared<JetStreamWriter>(writer_capacity, [this] { return nats_->connected(); });
}

std::shared_ptr<const message::Codec> ClusterNode::codec() const {
  auto* gateway = gateway_.load(std::memory_order_acquire);
  return gateway ? gateway->codec().current() : initial_codec_;
}

std::shared_ptr<gateway::Store> ClusterNode::store(std::shared_ptr<gateway::Store> local) {
  const auto codec_of = [this] { return codec(); };
  auto sessions = std::make_shared<SessionBucket>(
      *nats_, *writer_, "gw-" + settings_.name + "-sessions", settings_.replicas, node_, codec_of);
  auto mailboxes = std::make_shared<MailboxStream>(
      *nats_, *writer_, "gw-" + settings_.name + "-mailboxes", "gw." + settings_.name + ".mailbox.",
      settings_.replicas, codec_of);
  store_ = std::make_shared<ClusterStore>(
      std::move(local), std::move(sessions), std::move(mailboxes), writer_,
      [this] { return nats_->connected(); },
      "sessions and mailboxes in JetStream (cluster '" + settings_.name + "', " +
          std::to_string(settings_.replicas) + " replica(s))");
  return store_;
}

void ClusterNode::join(gateway::Gateway& gateway) {
  gateway_.store(&gateway, std::memory_order_release);
  remote_commands_ = std::make_unique<RemoteCommands>(
      RemoteCommands::Parts{gateway, *nats_, *subjects_, *pending_, node_, *counters_});
  auto router = std::make_unique<ClusterRouter>(ClusterRouter::Parts{
      gateway,
      std::make_unique<gateway::LocalRouter>(gateway.hub(), gateway.metrics(),
                                             &gateway.topic_activity()),
      *nats_, *subjects_, *pending_, *presence_, *filters_, node_, *counters_, *remote_commands_});
  router_ = router.get();
  gateway.use_router(std::move(router));
  // The hub hears of the cluster before any handler can run: NATS delivers nothing to this
  // gateway until the subscriptions below.
  gateway.hub().use_cluster(shared_from_this());
  subscribe_fixed_subjects();
  retained_ = std::make_unique<RetainedSync>(*nats_, *writer_, "gw-" + settings_.name + "-retained",
                                             "gw." + settings_.name + ".retained",
                                             settings_.replicas, [this] { return codec(); });
  retained_->follow(gateway.hub());  // changes from now on, then what the cluster holds
  retained_->load(gateway.hub());
  thread_ = std::jthread([this](const std::stop_token& stop) { run(stop); });
}

ClusterNode::~ClusterNode() {
  leave();
}

void ClusterNode::leave() {
  std::call_once(left_, [this] {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
    writer_->stop();  // what the store handed over, written while NATS is still open
    nats_->close();
    pending_->abandon_all();
  });
}

void ClusterNode::subscribe_fixed_subjects() {
  nats_->subscribe(subjects_->everyone(), router_->for_everyone());
  nats_->subscribe(subjects_->replies(node_), [this](const NatsConnection::Incoming& incoming) {
    pending_->answer(sequence_of(incoming.subject), incoming);
  });
  nats_->subscribe(subjects_->admitted(), [this](const NatsConnection::Incoming& incoming) {
    const auto stamp = stamp_of(incoming.data);
    if (!stamp) return;
    gateway_.load()->admit_stamp(*stamp);
    counters_->shared_admissions.fetch_add(1, std::memory_order_relaxed);
  });
  presence_->attach(*gateway_.load());
}

void ClusterNode::wake() {
  {
    std::lock_guard lock(work_mutex_);
    work_ = true;
  }
  work_changed_.notify_one();
}

void ClusterNode::run(const std::stop_token& stop) {
  auto next_heartbeat = Clock::now();
  auto next_duty_round = Clock::now();
  while (!stop.stop_requested()) {
    std::vector<std::pair<std::string, std::string>> releases;
    {
      std::unique_lock lock(work_mutex_);
      work_changed_.wait_for(lock, stop, tick, [this] { return work_; });
      work_ = false;
      releases.swap(releases_);
    }
    // Subscribed before the names are released, and flushed: a client that has just
    // connected can be reached from other gateways as soon as it could tell them it is here.
    const bool names_changed = names_->apply(*nats_);
    if (filters_->apply(*nats_) || names_changed) nats_->flush();
    for (const auto& [name, client_id] : releases)
      claims_->release(name, client_id);
    if (nats_->connected()) claim_deferred();
    const auto now = Clock::now();
    pending_->expire(now);
    if (now >= next_heartbeat) {
      presence_->send_heartbeat();
      next_heartbeat = now + heartbeat_period;
    }
    if (now >= next_duty_round) {
      duties_->check();
      next_duty_round = now + DutyRoster::round;
    }
  }
}

void ClusterNode::claim_deferred() {
  std::vector<std::pair<std::string, std::string>> deferred;
  {
    std::lock_guard lock(work_mutex_);
    deferred.swap(deferred_claims_);
  }
  auto& gateway = *gateway_.load();
  for (auto& [name, client_id] : deferred) {
    const auto client = gateway.hub().find(client_id);
    if (!client || client->name() != name) continue;  // renamed or gone meanwhile
    const auto claim = claims_->claim(name, client_id);
    if (claim == NameClaims::Claim::unavailable) {  // not yet: next time
      std::lock_guard lock(work_mutex_);
      deferred_claims_.emplace_back(std::move(name), std::move(client_id));
      continue;
    }
    if (claim != NameClaims::Claim::taken) continue;
    const auto reverted = gateway.hub().revert_name(client_id, name);
    if (!reverted) continue;
    spdlog::info(
        "client {}: the name '{}' it was given while the cluster was away is another "
        "gateway's client's; known by its id again",
        client_id, name);
    message::Message notice;
    notice.cmd = "rename";
    notice.text = "the name " + name +
                  " was given while this gateway could not reach the cluster, and a client of "
                  "another gateway holds it: you are " +
                  client_id + " again";
    notice.data = nlohmann::json{{"name", client_id}};
    notice.user_id = gateway.server().name;
    notice.timestamp = gateway::iso8601_now();
    if (auto delivery = gateway::make_delivery(*codec(), std::move(notice)))
      reverted->deliver(*delivery);
  }
}

bool ClusterNode::holder_exists(const std::string& node, const std::string& client_id) const {
  if (node == node_) return gateway_.load()->hub().find(client_id) != nullptr;
  return presence_->alive(node);
}

void ClusterNode::reachable_as(const std::string& id_or_name) {
  if (names_->add(id_or_name)) wake();
}

void ClusterNode::unreachable_as(const std::string& id_or_name) {
  if (names_->remove(id_or_name)) wake();
}

void ClusterNode::filter_added(const std::string& filter) {
  if (filters_->add(filter)) wake();
}

void ClusterNode::filter_removed(const std::string& filter) {
  if (filters_->remove(filter)) wake();
}

gateway::ClusterLink::Claim ClusterNode::claim_name(const std::string& name,
                                                    const std::string& client_id) {
  const auto answer =
      nats_->connected() ? claims_->claim(name, client_id) : NameClaims::Claim::unavailable;
  auto claim = answer == NameClaims::Claim::granted ? Claim::granted : Claim::taken;
  if (answer == NameClaims::Claim::unavailable) {  // given here; claimed once the cluster is back
    std::lock_guard lock(work_mutex_);
    deferred_claims_.emplace_back(name, client_id);
    claim = Claim::deferred;
  }
  spdlog::debug("cluster: {} claims the name '{}': {}", client_id, name,
                claim == Claim::granted ? "granted"
                : claim == Claim::taken ? "taken"
                                        : "deferred");
  return claim;
}

void ClusterNode::release_name(const std::string& name, const std::string& client_id) {
  {
    std::lock_guard lock(work_mutex_);
    releases_.emplace_back(name, client_id);
    work_ = true;
  }
  work_changed_.notify_one();
}

void ClusterNode::retained_changed(const std::string& topic, const message::Message* message) {
  if (retained_) retained_->changed(topic, message);
}

void ClusterNode::admitted(const message::TokenStamp& stamp) {
  nats_->publish(subjects_->admitted(), stamp_text(stamp));
}

nlohmann::json ClusterNode::nodes() const {
  return presence_->nodes();
}

void ClusterNode::other_clients(ClientsDone done) {
  presence_->other_clients(std::move(done));
}

gateway::ClusterLink::Adopted ClusterNode::adopt_session(const std::string& token) {
  if (!nats_->connected() || !store_) return {};
  auto taken =
      store_->take_over(token, [this](const std::string& node) { return presence_->alive(node); });
  return {std::move(taken.session), std::move(taken.held_by)};
}

void ClusterNode::ask_elsewhere(const std::string& who, message::Message request,
                                std::chrono::seconds timeout, RemoteDone done) {
  remote_commands_->ask(who, std::move(request), timeout, std::move(done));
}

void ClusterNode::kick_elsewhere(const std::string& who, RemoteDone done) {
  remote_commands_->kick(who, std::move(done));
}

std::string ClusterNode::problem() const {
  return nats_->connected() ? std::string() : nats_->problem();
}

std::shared_ptr<gateway::Duties> ClusterNode::duties() const {
  return duties_;
}

std::string ClusterNode::describe() const {
  std::string servers;
  for (const auto& server : settings_.nats)
    servers += (servers.empty() ? "" : ", ") + server;
  return "cluster '" + settings_.name + "' as node '" + node_ + "' through NATS at " + servers;
}

std::string ClusterNode::metrics_text() const {
  const auto line = [](const char* name, const char* type, const char* help, auto value) {
    return std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(value) + "\n";
  };
  const auto count = [](const std::atomic<std::uint64_t>& counter) {
    return counter.load(std::memory_order_relaxed);
  };
  return line("gw_cluster_up", "gauge", "1 while NATS is reachable, else 0",
              nats_->connected() ? 1 : 0) +
         line("gw_cluster_nodes", "gauge", "Gateways of the cluster alive, this one included",
              presence_->others_alive() + 1) +
         line("gw_cluster_sent_total", "counter", "Messages sent to other gateways",
              count(counters_->sent)) +
         line("gw_cluster_received_total", "counter", "Messages from other gateways delivered here",
              count(counters_->received)) +
         line("gw_cluster_refused_total", "counter",
              "NATS messages refused: not under the key, or a replay", count(counters_->refused)) +
         line("gw_cluster_unavailable_total", "counter",
              "Deliveries to other gateways answered 503 cluster unavailable",
              count(counters_->unavailable)) +
         line("gw_cluster_shared_admissions_total", "counter",
              "Tokens other gateways admitted, refused here from then on",
              count(counters_->shared_admissions));
}

}  // namespace gw::cluster
