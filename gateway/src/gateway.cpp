#include <set>

#include <spdlog/spdlog.h>

#include <gw/gateway/device_file.hpp>
#include <gw/gateway/gateway.hpp>
#include <gw/gateway/local_router.hpp>

#include "admission/address_rates.hpp"
#include "admission/auth_throttle.hpp"
#include "admission/key_search_budget.hpp"
#include "admission/replay_guard.hpp"
#include "commands/command_sets.hpp"
#include "dispatch/dispatcher.hpp"
#include "hub/topic_activity.hpp"
#include "hub/topic_history.hpp"
#include "identity/key_hints.hpp"
#include "metrics/stats_feed.hpp"

namespace gw::gateway {

namespace {

std::shared_ptr<const Identities> make_identities(const GatewaySettings& settings,
                                                  std::span<const Device> devices) {
  auto shared = settings.shared_key ? std::make_shared<const Identity>(
                                          "", std::nullopt, Permissions(*settings.shared_key))
                                    : nullptr;
  return std::make_shared<const Identities>(std::move(shared), devices);
}

// A message from the gateway to one client, under its key, about what was done to it.
void tell(Client& client, const message::Codec& codec, std::string cmd, std::string text,
          nlohmann::json data = nullptr) {
  message::Message notice;
  notice.cmd = std::move(cmd);
  notice.text = std::move(text);
  notice.data = std::move(data);
  notice.timestamp = iso8601_now();
  if (auto delivery = make_delivery(codec, std::move(notice))) client.deliver(*delivery);
}

}  // namespace

Gateway::Gateway(ServerInfo server, message::Codec codec, GatewaySettings settings,
                 std::shared_ptr<Store> store)
    : server_(std::move(server)),
      settings_(std::move(settings)),
      codec_(std::move(codec)),
      identities_(make_identities(settings_, settings_.devices)),
      hub_(settings_.sessions, std::move(store), identities_.current()),
      history_(std::make_unique<TopicHistory>(settings_.history,
                                              settings_.sessions.max_history_topics, hub_.store())),
      activity_(std::make_unique<TopicActivity>()),
      router_(std::make_unique<LocalRouter>(hub_, metrics_, activity_.get())),
      tables_(settings_.tables),
      replay_guard_(
          settings_.replay_guard
              ? std::make_unique<ReplayGuard>(
                    ReplayGuard::Options{settings_.replay_entries, codec_.current()->options().ttl},
                    message::unix_now())
              : nullptr),
      auth_throttle_(std::make_unique<AuthThrottle>()),
      address_rates_(std::make_unique<AddressRates>(settings_.rates)),
      key_hints_(std::make_unique<KeyHints>()),
      key_search_budget_(std::make_unique<KeySearchBudget>(settings_.rates.key_search)),
      dispatcher_(std::make_unique<Dispatcher>(*this)),
      workers_(settings_.worker_threads, settings_.worker_queue) {
  settings_.devices.clear();  // the identities hold them now, and use_devices replaces them
  add_builtin_commands(*this);
  add_builtin_requestables(*this);
  if (settings_.sessions.ping_every.count() > 0)
    periodic_.every("ping", settings_.sessions.ping_every, [this] { ping_clients(); });
  feed_ = std::make_unique<StatsFeed>(StatsFeed::Parts{.hub = hub_,
                                                       .metrics = metrics_,
                                                       .transports = transport_stats_,
                                                       .server = server_,
                                                       .codec = codec_,
                                                       .activity = *activity_,
                                                       .bridges = bridges_});
  periodic_.every("feed", settings_.feed.every, [this] { feed_->tick(); });
}

void Gateway::ping_clients() {
  for (const auto& client : hub_.everyone()) {
    // Only a client that said it answers: to another, a ping would be a message out of the blue.
    const auto offers = client->offers();
    if (!offers || client->away() || !offers->answers("ping")) continue;
    message::Message ping;
    ping.cmd = "ping";
    const auto sent_at = std::chrono::steady_clock::now();
    ask(client, std::move(ping), settings_.sessions.request_timeout,
        [pinged = std::weak_ptr<Client>(client), sent_at](std::optional<message::Message> answer) {
          const auto answered = pinged.lock();
          if (!answer || !answered) return;
          answered->set_round_trip(std::chrono::duration_cast<std::chrono::microseconds>(
              std::chrono::steady_clock::now() - sent_at));
        });
  }
}

void Gateway::check_devices(std::span<const Device> devices) const {
  std::set<std::string, std::less<>> tables;
  for (const auto& spec : settings_.tables)
    tables.insert(spec.name);
  for (const auto& device : devices) {
    const auto fail = [&](const std::string& field, const std::string& entry,
                          const std::string& why) {
      throw DeviceFileError("device '" + device.name + "' (line " + std::to_string(device.line) +
                            " of the devices file): " + field + " entry '" + entry + "' " + why);
    };
    for (const auto& name : device.permissions.commands) {
      if (name == "*") continue;
      const auto* command = commands_.find(name);
      if (!command) fail("commands", name, "is not a command of this gateway");
      if (command->permission == Permission::admin)
        fail("commands", name, "is an admin command: give the device admin = true instead");
    }
    for (const auto& name : device.permissions.requestables)
      if (name != "*" && !requestables_.contains(name))
        fail("requestables", name, "is not a requestable of this gateway (get lists them)");
    for (const auto& name : device.permissions.tables)
      if (name != "*" && !tables.contains(name))
        fail("tables", name, "is not a lookup table of this gateway ([[tables]])");
  }
}

std::string Gateway::use_devices(std::vector<Device> devices) {
  check_devices(devices);
  const auto before = identities_.current();
  std::size_t added = 0, changed = 0;
  for (const auto& device : devices) {
    const auto old = before->device(device.name);
    if (!old)
      ++added;
    else if (old->key->key() != device.key.key() ||
             old->permissions.lists() != device.permissions ||
             old->description != device.description)
      ++changed;
  }
  const auto removed = before->devices().size() + added - devices.size();
  auto fresh = make_identities(settings_, devices);
  identities_.replace(fresh);
  const auto changes = hub_.use_identities(std::move(fresh));
  const auto codec = codec_.current();
  std::size_t dropped = 0;
  for (const auto& [client, filters] : changes.unsubscribed) {
    dropped += filters.size();
    std::string list;
    for (const auto& filter : filters)
      list += (list.empty() ? "" : ", ") + filter;
    spdlog::info("client {} ({}): unsubscribed from {}: its permissions no longer allow it",
                 client->id(), client->name(), list);
    tell(*client, *codec, "unsubscribe",
         "your permissions changed: you are no longer subscribed to " + list,
         {{"topics", filters}, {"reason", "permissions"}});
  }
  for (const auto& client : changes.renamed)
    tell(*client, *codec, "rename",
         "your name is now a device's (the devices file gives it): you are " + client->id() +
             " again",
         {{"name", client->id()}});
  for (const auto& client : changes.ended) {
    spdlog::info("client {} ({}): disconnected: its device was removed or given a new key",
                 client->id(), client->name());
    tell(*client, *codec, "kick",
         "disconnected: this device was removed from the devices file, or given a new key");
    client->close();
  }
  return std::to_string(devices.size()) + " device(s): " + std::to_string(added) + " added, " +
         std::to_string(removed) + " removed, " + std::to_string(changed) + " changed; " +
         std::to_string(changes.ended.size()) + " session(s) ended, " + std::to_string(dropped) +
         " subscription(s) dropped";
}

Gateway::~Gateway() = default;

transports::Handler& Gateway::handler() noexcept {
  return *dispatcher_;
}

bool Gateway::admit_stamp(const message::TokenStamp& stamp) {
  return !replay_guard_ ||
         replay_guard_->admit(stamp, message::unix_now()) == ReplayGuard::Verdict::fresh;
}

void Gateway::tick(std::chrono::steady_clock::time_point now) {
  hub_.tick(now);
  history_->expire(std::chrono::system_clock::now());
  outgoing_.tick(now);
  if (!stopping())
    periodic_.tick(now,
                   [this](std::function<void()> job) { return workers_.submit(std::move(job)); });
}

void Gateway::begin_stopping() {
  stopping_.store(true, std::memory_order_relaxed);
  hub_.end_all_polls();
  outgoing_.cancel_all();
}

void Gateway::release_transports() {
  workers_.stop();
  outgoing_.cancel_all();
  hub_.clear();
}

bool Gateway::ask(const std::shared_ptr<Client>& client, message::Message request,
                  std::chrono::seconds timeout, OutgoingRequests::Callback done) {
  request.user_id = server_.name;
  request.timestamp = iso8601_now();
  request.token.clear();
  // Registered before it is sent: a quick reply must find it.
  request.id =
      outgoing_.add(client->id(), std::chrono::steady_clock::now() + timeout, std::move(done));
  const auto id = request.id;
  auto delivery = make_delivery(*codec_.current(), std::move(request));
  if (!delivery) {
    outgoing_.withdraw(id);
    return false;
  }
  client->deliver(*delivery);
  // Gone meanwhile (its connection closed after the caller found it, before the request was
  // registered for its close to end): ended now, not at its timeout.
  if (hub_.find(client->id()) != client) outgoing_.end_for(client->id());
  return true;
}

}  // namespace gw::gateway
