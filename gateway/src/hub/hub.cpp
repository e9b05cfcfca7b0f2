#include <algorithm>
#include <map>

#include <gw/gateway/client_id.hpp>
#include <gw/gateway/hub.hpp>

#include "client_names.hpp"
#include "retained_messages.hpp"
#include "topic_tree.hpp"

namespace gw::gateway {

using transports::Session;
using transports::TransportKind;

namespace {
constexpr std::size_t max_name_length = 64;

// Two identities are one when both are the shared key's, or both the same device's.
bool same_identity(const Identity& a, const Identity& b) {
  return a.device() == b.device() && a.name == b.name;
}
}  // namespace

std::optional<std::string> check_client_name(std::string_view name, std::string_view own_id) {
  if (name.empty()) return std::string("a name cannot be empty");
  if (name.size() > max_name_length)
    return "a name is at most " + std::to_string(max_name_length) + " bytes";
  if (std::any_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
    return std::string("a name cannot contain control characters");
  // A name must never be mistaken for another client's id: "c7", "mqtt:7", "c7@NODE".
  if (parse_client_id(name) && name != own_id)
    return "'" + std::string(name) +
           "' looks like a client id (c and digits, or a part such as mqtt:7, perhaps @ and a "
           "gateway); choose another name";
  return std::nullopt;
}

std::shared_ptr<const Identities> Hub::shared_key_only() {
  return std::make_shared<const Identities>(
      std::make_shared<const Identity>("", std::nullopt, Permissions::everything_but_admin()),
      std::span<const Device>());
}

Hub::Hub(SessionLimits limits, std::shared_ptr<Store> store,
         std::shared_ptr<const Identities> identities)
    : limits_(limits),
      store_(std::move(store)),
      identities_(std::move(identities)),
      names_(std::make_unique<ClientNames>()),
      topics_(std::make_unique<TopicTree<Client>>()),
      retained_(std::make_unique<RetainedMessages>(limits.max_retained)) {
  restore_saved_sessions();
  for (auto& [topic, message] : store_->retained_messages())
    retained_->keep(topic, std::make_shared<const message::Message>(std::move(message)));
}

Hub::~Hub() = default;

void Hub::restore_saved_sessions() {
  const auto wall_now = std::chrono::system_clock::now();
  for (auto& saved : store_->saved_sessions()) {
    if (const auto id = parse_client_id(saved.id)) id_base_ = std::max(id_base_, id->number);
    const auto idle = wall_now - saved.last_seen;
    // A session of a device no longer in the devices file (or of the shared key, now refused)
    // ends: nobody could use it.
    auto identity =
        saved.device.empty() ? identities_->shared() : identities_->device(saved.device);
    if (idle >= limits_.session_idle || saved.token.empty() || !identity) {
      store_->forget_session(saved.id);
      continue;
    }
    add_saved_locked(saved, store_->open_mailbox(saved.id, limits_), idle, std::move(identity));
    ++restored_;
  }
}

std::shared_ptr<Client> Hub::add_saved_locked(const SavedSession& saved,
                                              std::unique_ptr<Mailbox> mailbox,
                                              std::chrono::system_clock::duration idle,
                                              std::shared_ptr<const Identity> identity) {
  auto client = std::make_shared<Client>(
      saved, std::move(mailbox),
      Clock::now() - std::chrono::duration_cast<Clock::duration>(
                         std::max(idle, std::chrono::system_clock::duration::zero())));
  client->set_identity(std::move(identity));
  // A name that became a device's while the gateway was down is the device's now.
  names_->keep_from_devices(*client, *identities_);
  clients_.emplace(client->id(), client);
  names_->add(client);
  if (client->resumable())
    resumable_.emplace(saved.token, client);  // away until a connection resumes it
  else
    tokens_.emplace(client->token(), client);
  if (client->traits().found_by_address) addresses_[client->address()] = client;
  std::unique_lock topics_lock(topics_mutex_);
  for (const auto& filter : client->subscriptions())
    add_filter_locked(filter, client);
  return client;
}

std::shared_ptr<Client> Hub::adopt(const std::string& token, std::string& held_by) {
  if (!cluster_) return nullptr;
  auto adopted = cluster_->adopt_session(token);  // without the lock: it waits for NATS
  held_by = adopted.held_by;
  if (!adopted.session) return nullptr;
  auto saved = std::move(*adopted.session);
  std::shared_ptr<const Identities> identities;
  {
    std::shared_lock lock(mutex_);
    identities = identities_;
  }
  auto identity = saved.device.empty() ? identities->shared() : identities->device(saved.device);
  if (!identity) return nullptr;
  // Its name, claimed for this gateway now, or its id when someone took the name meanwhile.
  const bool claims_name = saved.device.empty() && saved.name != saved.id;
  if (claims_name && cluster_->claim_name(saved.name, saved.id) != ClusterLink::Claim::granted)
    saved.name = saved.id;
  auto mailbox = store_->open_mailbox(saved.id, limits_);  // reads what waited for it
  std::lock_guard lock(mutex_);
  if (const auto found = tokens_.find(token); found != tokens_.end()) return found->second;
  if (const auto found = resumable_.find(token); found != resumable_.end()) return found->second;
  if (clients_.contains(saved.id) || names_->find(saved.name)) {
    if (claims_name) cluster_->release_name(saved.name, saved.id);
    saved.name = saved.id;
  }
  auto client = add_saved_locked(saved, std::move(mailbox),
                                 std::chrono::system_clock::duration::zero(), std::move(identity));
  save(*client);
  return client;
}

// Every client's id: "c" and the id of the transport session that opened it, above every
// restored one; made only here. A part of the gateway's clients are "PART:" and the number
// ("mqtt:12"): no name, device or other client can be that.
std::string Hub::client_id(const Session& connection) const {
  const auto part = connection.traits().part;
  const auto prefix = part.empty() ? std::string("c") : std::string(part) + ":";
  return prefix + std::to_string(id_base_ + connection.id()) + id_suffix_;
}

void Hub::use_cluster(std::shared_ptr<ClusterLink> link) {
  std::lock_guard lock(mutex_);
  std::unique_lock topics_lock(topics_mutex_);
  cluster_ = std::move(link);
  id_suffix_ = "@" + cluster_->node();
  names_->use_cluster(cluster_.get());
  for (const auto& [id, client] : clients_) {  // restored ones: reachable as before
    cluster_->reachable_as(id);
    if (client->name() != id) cluster_->reachable_as(client->name());
    for (const auto& filter : client->subscriptions())
      cluster_->filter_added(filter);
  }
}

void Hub::add_filter_locked(const std::string& filter, const std::shared_ptr<Client>& client) {
  topics_->insert(filter, client);
  if (cluster_) cluster_->filter_added(filter);
}

void Hub::remove_filter_locked(const std::string& filter, const Client& client) {
  topics_->erase(filter, client);
  if (cluster_) cluster_->filter_removed(filter);
}

void Hub::save(const Client& client) {
  if (!client.token().empty() || client.resumable()) store_->save_session(client.saved());
}

std::shared_ptr<Client> Hub::connect(const std::shared_ptr<Session>& connection) {
  auto id = client_id(*connection);
  // A connection's messages are pushed to it; its mailbox is not the store's.
  auto mailbox = std::make_unique<Mailbox>(limits_, id);
  auto client = std::make_shared<Client>(std::move(id), connection, std::move(mailbox));
  std::lock_guard lock(mutex_);
  clients_.emplace(client->id(), client);
  names_->add(client);
  connections_.emplace(connection->id(), client);
  return client;
}

void Hub::disconnect(const Session& connection, bool goodbye) {
  std::lock_guard lock(mutex_);
  const auto found = connections_.find(connection.id());
  if (found == connections_.end()) return;
  const auto client = found->second;
  connections_.erase(found);
  if (goodbye || !client->resumable())
    erase_locked(*client);
  else if (client->detach(connection, Clock::now()))
    save(*client);  // away: idle from now, also across a restart
}

std::shared_ptr<Client> Hub::find_connection(const Session& connection) const {
  std::shared_lock lock(mutex_);
  const auto found = connections_.find(connection.id());
  return found == connections_.end() ? nullptr : found->second;
}

bool Hub::make_resumable(const std::shared_ptr<Client>& client, std::string resume_token) {
  auto mailbox = store_->open_mailbox(client->id(), limits_);  // outside the lock: it may read
  std::lock_guard lock(mutex_);
  if (resumable_.size() >= limits_.max_sessions || !clients_.contains(client->id())) return false;
  client->make_resumable(resume_token, std::move(mailbox));
  resumable_.emplace(std::move(resume_token), client);
  save(*client);
  return true;
}

std::variant<Hub::Resumed, Hub::Refusal> Hub::resume(
    const std::shared_ptr<Session>& connection, const std::string& resume_token,
    const std::function<transports::Frame(const message::Message&)>& encode,
    const Identity& identity) {
  Resumed resumed;
  std::shared_ptr<Session> previous;
  if (cluster_) {  // the session of a gateway that died goes on here
    bool here = false;
    {
      std::shared_lock lock(mutex_);
      here = resumable_.contains(resume_token);
    }
    std::string held_by;
    if (!here && !adopt(resume_token, held_by) && !held_by.empty())
      return Refusal{409,
                     "that session is gateway " + held_by + "'s, which is up: resume it there"};
  }
  {
    std::lock_guard lock(mutex_);
    const auto found = resumable_.find(resume_token);
    if (found == resumable_.end())
      return Refusal{404,
                     "no session to resume with that token: it ended (away longer than "
                     "sessions.idle, or kicked) or never was; send handshake for a new one"};
    const auto client = found->second;
    if (const auto owner = client->identity(); owner && !same_identity(*owner, identity))
      return Refusal{403, "that session belongs to " + owner->label() +
                              ": a session is resumed only under the key it was opened with"};
    const auto current = connections_.find(connection->id());
    if (current == connections_.end()) return Refusal{409, "this connection is closing"};
    if (current->second == client)
      return Refusal{409, "this connection is " + client->id() + " already"};
    if (client->kind() != connection->kind())
      return Refusal{400, "that token resumes a " + std::string(client->traits().label()) +
                              " session; resume it over " + std::string(client->traits().label())};
    if (current->second->resumable() || current->second->subscription_count() > 0)
      return Refusal{409, "this connection is session " + current->second->id() +
                              " already (it sent handshake or subscribed); resume on a new "
                              "connection"};
    const auto opened_as = current->second;  // the client the connection opened as: it goes
    erase_locked(*opened_as);
    auto attached = client->attach(connection, encode);
    if (attached.previous) connections_.erase(attached.previous->id());
    connections_[connection->id()] = client;
    previous = std::move(attached.previous);
    resumed = {client, attached.sent, attached.lost};
  }
  if (previous) previous->close();  // taken over: the client has moved
  save(*resumed.client);
  return resumed;
}

bool Hub::bind(const std::shared_ptr<Client>& client,
               const std::shared_ptr<const Identity>& identity) {
  if (const auto current = client->identity()) return same_identity(*current, *identity);
  std::lock_guard lock(mutex_);
  // Under the lock, as use_identities gives clients theirs.
  if (const auto current = client->identity()) return same_identity(*current, *identity);
  if (!identity->device() || !clients_.contains(client->id())) {
    client->set_identity(identity);
    return true;
  }
  names_->remove(*client);  // known by its id until now
  client->set_identity(identity);
  names_->add(client);  // one of its device's sessions, by the device's name
  save(*client);
  return true;
}

std::shared_ptr<Client> Hub::open_session(const std::shared_ptr<Session>& request,
                                          std::string token,
                                          const std::shared_ptr<const Identity>& identity) {
  auto id = client_id(*request);
  auto mailbox = store_->open_mailbox(id, limits_);  // outside the lock: a store may read
  std::lock_guard lock(mutex_);
  if (tokens_.size() >= limits_.max_sessions) return nullptr;
  auto client =
      std::make_shared<Client>(std::move(id), request, std::move(token), std::move(mailbox));
  client->set_identity(identity);
  clients_.emplace(client->id(), client);
  names_->add(client);
  tokens_.emplace(client->token(), client);
  if (client->traits().found_by_address) addresses_[request->remote_address()] = client;
  save(*client);
  return client;
}

std::shared_ptr<Client> Hub::find_token(std::string_view token) const {
  std::shared_lock lock(mutex_);
  const auto found = tokens_.find(std::string(token));
  return found == tokens_.end() ? nullptr : found->second;
}

std::shared_ptr<Client> Hub::find_by_address(const std::string& address) const {
  std::shared_lock lock(mutex_);
  const auto found = addresses_.find(address);
  return found == addresses_.end() ? nullptr : found->second;
}

void Hub::touch(const std::shared_ptr<Client>& client, const std::shared_ptr<Session>& request,
                Clock::time_point now) {
  // Often enough that a session restored after a crash ends about when it would have.
  const auto save_every = limits_.session_idle / 10;
  if (!client->traits().found_by_address || !request->traits().found_by_address) {
    if (client->seen(now, request, save_every)) save(*client);
    return;
  }
  std::lock_guard lock(mutex_);
  const auto previous = client->address();
  const bool save_due = client->seen(now, request, save_every);
  if (!tokens_.contains(client->token())) return;  // it has just ended
  if (previous != request->remote_address()) forget_address_locked(*client, previous);
  addresses_[request->remote_address()] = client;
  if (save_due) save(*client);
}

void Hub::forget_address_locked(const Client& client, const std::string& address) {
  const auto found = addresses_.find(address);
  if (found != addresses_.end() && found->second.get() == &client) addresses_.erase(found);
}

std::shared_ptr<Client> Hub::find(std::string_view id_or_name) const {
  std::shared_lock lock(mutex_);
  const std::string key(id_or_name);
  if (const auto found = clients_.find(key); found != clients_.end()) return found->second;
  return names_->find(key);
}

std::vector<std::shared_ptr<Client>> Hub::find_all(std::string_view id_or_name) const {
  {
    std::shared_lock lock(mutex_);
    auto sessions = names_->sessions_of(std::string(id_or_name));
    if (!sessions.empty()) return sessions;
  }
  auto one = find(id_or_name);
  if (!one) return {};
  return {std::move(one)};
}

bool Hub::is_device_name(std::string_view name) const {
  std::shared_lock lock(mutex_);
  return identities_->device(name) != nullptr;
}

void Hub::grant_admin(Client& client) {
  client.grant_admin();
  save(client);
}

void Hub::remove(const std::shared_ptr<Client>& client) {
  {
    std::lock_guard lock(mutex_);
    if (clients_.contains(client->id())) erase_locked(*client);
  }
  client->close();
}

std::vector<std::shared_ptr<Client>> Hub::kick(std::string_view id_or_name,
                                               const Delivery* notice) {
  auto targets = find_all(id_or_name);
  for (const auto& target : targets) {
    if (notice) target->deliver(*notice);  // told why before the connection closes
    remove(target);
  }
  return targets;
}

void Hub::leave(const std::shared_ptr<Client>& client) {
  {
    std::lock_guard lock(mutex_);
    if (!clients_.contains(client->id())) return;
    if (client->traits().connection) {
      if (const auto token = client->end_resumable(); !token.empty()) {
        resumable_.erase(token);
        store_->forget_session(client->id());
      }
      return;
    }
    erase_locked(*client);
  }
  client->end_poll(Clock::now(), true);  // a poll it left waiting is answered
}

void Hub::erase_locked(const Client& client) {
  if (const auto filters = client.subscriptions(); !filters.empty()) {
    std::unique_lock topics_lock(topics_mutex_);
    for (const auto& filter : filters)
      remove_filter_locked(filter, client);
  }
  names_->remove(client);
  if (!client.token().empty()) {
    tokens_.erase(client.token());
    store_->forget_session(client.id());
  }
  if (client.traits().found_by_address) forget_address_locked(client, client.address());
  if (const auto token = client.resume_token(); !token.empty()) {
    resumable_.erase(token);
    store_->forget_session(client.id());
  }
  if (const auto connection = connections_.find(client.connection_id());
      connection != connections_.end() && connection->second.get() == &client)
    connections_.erase(connection);
  clients_.erase(client.id());
}

Hub::Reidentified Hub::use_identities(std::shared_ptr<const Identities> identities) {
  Reidentified changes;
  std::vector<std::shared_ptr<Client>> changed;  // told the store after the lock
  {
    std::lock_guard lock(mutex_);
    identities_ = std::move(identities);
    std::vector<std::shared_ptr<Client>> all;
    all.reserve(clients_.size());
    for (const auto& [id, client] : clients_)
      all.push_back(client);
    for (const auto& client : all) {
      const auto old = client->identity();
      if (!old) continue;  // a connection that has not spoken yet
      auto fresh = old->device() ? identities_->device(old->name) : identities_->shared();
      // A device removed, or given a new key (what its old key still holds must not work).
      if (!fresh || (old->key && fresh->key->key() != old->key->key())) {
        erase_locked(*client);
        changes.ended.push_back(client);
        continue;
      }
      client->set_identity(fresh);
      if (names_->keep_from_devices(*client, *identities_)) {
        changes.renamed.push_back(client);
        changed.push_back(client);
      }
      if (client->admin()) continue;  // auth allows everything, whatever the file says
      std::vector<std::string> dropped;
      for (const auto& filter : client->subscriptions())
        if (!fresh->permissions.allows({Access::Kind::subscribe, filter}))
          dropped.push_back(filter);
      if (dropped.empty()) continue;
      {
        std::unique_lock topics_lock(topics_mutex_);
        for (const auto& filter : dropped) {
          client->remove_subscription(filter);
          remove_filter_locked(filter, *client);
        }
      }
      changes.unsubscribed.emplace_back(client, std::move(dropped));
      changed.push_back(client);
    }
  }
  for (const auto& client : changed)
    save(*client);
  return changes;
}

std::optional<Hub::Refusal> Hub::held_here_locked(const Client& client,
                                                  const std::string& name) const {
  if (identities_->device(name))
    return Refusal{409, "the name '" + name + "' is a device's (the devices file gives it)"};
  if (const auto holder = names_->find(name); holder && holder.get() != &client)
    return Refusal{409, "the name '" + name + "' is taken by " + holder->id()};
  return std::nullopt;
}

std::optional<Hub::Refusal> Hub::claim_in_cluster(const Client& client, const std::string& name) {
  if (!cluster_ || name == client.id()) return std::nullopt;  // ids are unique already
  // Granted, or deferred (given here; claimed when the cluster is back): only taken refuses.
  if (cluster_->claim_name(name, client.id()) != ClusterLink::Claim::taken) return std::nullopt;
  return Refusal{409, "the name '" + name + "' is taken by a client of another gateway"};
}

std::shared_ptr<Client> Hub::revert_name(const std::string& id, const std::string& name) {
  std::lock_guard lock(mutex_);
  const auto found = clients_.find(id);
  if (found == clients_.end() || found->second->name() != name) return nullptr;
  names_->rename(*found->second, id);
  save(*found->second);
  return found->second;
}

std::optional<Hub::Refusal> Hub::rename(Client& client, const std::string& name) {
  if (!client.device_name().empty())
    return Refusal{403, "device '" + client.device_name() +
                            "' keeps its name: a device's name is set by the devices file"};
  if (auto problem = check_client_name(name, client.id())) return Refusal{400, *problem};
  {
    std::shared_lock lock(mutex_);
    if (auto held = held_here_locked(client, name)) return held;
  }
  // Asked without the hub's lock: the cluster may take a round trip to answer.
  if (auto refused = claim_in_cluster(client, name)) return refused;
  std::lock_guard lock(mutex_);
  if (auto held = held_here_locked(client, name)) {  // taken meanwhile, here
    if (cluster_) cluster_->release_name(name, client.id());
    return held;
  }
  names_->rename(client, name);
  save(client);
  return std::nullopt;
}

std::string Hub::claim_name(Client& client, const std::string& wanted) {
  if (!client.device_name().empty() || check_client_name(wanted, client.id())) return client.name();
  auto name = wanted;
  // Each try may ask the cluster: a bounded number of them.
  constexpr int last_suffix = 100;
  for (int suffix = 2; name.size() <= max_name_length && suffix <= last_suffix; ++suffix) {
    bool taken = false;
    {
      std::shared_lock lock(mutex_);
      taken = names_->taken(client, name, *identities_);
    }
    if (!taken && !claim_in_cluster(client, name)) {
      std::lock_guard lock(mutex_);
      if (!names_->taken(client, name, *identities_)) {
        names_->rename(client, name);
        save(client);
        return name;
      }
      if (cluster_) cluster_->release_name(name, client.id());  // taken here meanwhile
    }
    name = wanted + "-" + std::to_string(suffix);
  }
  return client.name();
}

Hub::Subscribed Hub::subscribe(const std::shared_ptr<Client>& client, const std::string& filter) {
  std::lock_guard lock(mutex_);
  if (!clients_.contains(client->id())) return Subscribed::already;  // it has just ended
  if (client->subscribed(filter)) return Subscribed::already;
  if (client->subscription_count() >= limits_.max_subscriptions) return Subscribed::too_many;
  client->add_subscription(filter);
  {
    std::unique_lock topics_lock(topics_mutex_);
    add_filter_locked(filter, client);
  }
  save(*client);
  return Subscribed::added;
}

bool Hub::unsubscribe(Client& client, const std::string& filter) {
  std::lock_guard lock(mutex_);
  if (!client.remove_subscription(filter)) return false;
  {
    std::unique_lock topics_lock(topics_mutex_);
    remove_filter_locked(filter, client);
  }
  save(client);
  return true;
}

Hub::Retained Hub::retain(const std::string& topic,
                          std::shared_ptr<const message::Message> message) {
  const auto kept = message;
  const auto retained = apply_retained(topic, std::move(message));
  if (cluster_ && retained != Retained::too_many)
    cluster_->retained_changed(topic, retained == Retained::kept ? kept.get() : nullptr);
  return retained;
}

Hub::Retained Hub::apply_retained(const std::string& topic,
                                  std::shared_ptr<const message::Message> message) {
  const auto kept = message;  // for the store, whatever another publish does meanwhile
  switch (retained_->keep(topic, std::move(message))) {
    case RetainedMessages::Kept::too_many:
      return Retained::too_many;
    case RetainedMessages::Kept::cleared:
      store_->forget_retained(topic);
      return Retained::cleared;
    case RetainedMessages::Kept::kept:
      break;
  }
  store_->keep_retained(topic, *kept);
  return Retained::kept;
}

std::vector<std::shared_ptr<const message::Message>> Hub::retained_for(
    std::string_view filter) const {
  return retained_->matching(filter);
}

std::vector<std::shared_ptr<Client>> Hub::subscribers(std::string_view topic) const {
  std::vector<std::shared_ptr<Client>> recipients;
  std::shared_lock lock(topics_mutex_);
  topics_->collect(topic, recipients);
  return recipients;
}

nlohmann::json Hub::topics() const {
  std::map<std::string, std::size_t> sorted;
  {
    std::shared_lock lock(topics_mutex_);
    sorted = topics_->filters();
  }
  auto list = nlohmann::json::array();
  for (const auto& [filter, count] : sorted)
    list.push_back({{"filter", filter}, {"subscribers", count}});
  return list;
}

std::vector<std::shared_ptr<Client>> Hub::everyone() const {
  std::vector<std::shared_ptr<Client>> all;
  std::shared_lock lock(mutex_);
  all.reserve(clients_.size());
  for (const auto& [id, client] : clients_)
    all.push_back(client);
  return all;
}

nlohmann::json Hub::clients() const {
  auto all = everyone();
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a->id().size() != b->id().size() ? a->id().size() < b->id().size() : a->id() < b->id();
  });
  auto list = nlohmann::json::array();
  for (const auto& client : all)
    list.push_back(client->info());
  return list;
}

std::size_t Hub::count(TransportKind kind) const {
  std::shared_lock lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(clients_.begin(), clients_.end(), [&](const auto& e) {
        // A part of the gateway (a bridge) is no client of a transport, whatever its kind.
        return e.second->kind() == kind && e.second->traits().part.empty();
      }));
}

void Hub::tick(Clock::time_point now) {
  std::vector<std::shared_ptr<Client>> polled, expired, connected;
  // Resumable clients still connected are saved as heard from now and then, so that after a
  // crash they can be resumed for about as long as after a disconnect.
  bool save_connected = false;
  {
    std::lock_guard lock(mutex_);
    if (now - connected_saved_ >= limits_.session_idle / 10) {
      save_connected = true;
      connected_saved_ = now;
    }
    for (const auto& [token, client] : tokens_) {
      polled.push_back(client);
      if (now - client->last_seen() > limits_.session_idle) expired.push_back(client);
    }
    for (const auto& [token, client] : resumable_) {
      if (!client->away()) {
        if (save_connected) connected.push_back(client);
      } else if (now - client->last_seen() > limits_.session_idle)
        expired.push_back(client);
    }
    for (const auto& client : expired)
      erase_locked(*client);
  }
  if (save_connected)
    for (const auto& client : connected)
      save(*client);
  for (const auto& client : polled)
    client->end_poll(now);
  for (const auto& client : expired)
    client->close();
}

void Hub::clear() {
  std::unordered_map<std::string, std::shared_ptr<Client>> clients, tokens, addresses, resumable;
  std::unordered_map<std::uint64_t, std::shared_ptr<Client>> connections;
  auto topics = std::make_unique<TopicTree<Client>>();
  {
    std::lock_guard lock(mutex_);
    std::unique_lock topics_lock(topics_mutex_);
    clients.swap(clients_);
    tokens.swap(tokens_);
    addresses.swap(addresses_);
    resumable.swap(resumable_);
    connections.swap(connections_);
    topics.swap(topics_);
    names_->clear();
  }
  // When each was last heard from, for the next start (a connected one: now).
  for (const auto& [token, client] : tokens)
    save(*client);
  for (const auto& [token, client] : resumable)
    save(*client);
  // Destroyed here, outside the lock.
}

void Hub::end_all_polls() {
  for (const auto& client : everyone())
    client->end_poll(Clock::now(), true);
}

}  // namespace gw::gateway
