#include <gw/gateway/gateway.hpp>
#include <gw/gateway/local_router.hpp>

#include "admission/address_rates.hpp"
#include "admission/auth_throttle.hpp"
#include "admission/replay_guard.hpp"
#include "commands/command_sets.hpp"
#include "dispatch/dispatcher.hpp"
#include "hub/topic_history.hpp"

namespace gw::gateway {

Gateway::Gateway(ServerInfo server, message::Codec codec, GatewaySettings settings,
                 std::shared_ptr<Store> store)
    : server_(std::move(server)),
      settings_(std::move(settings)),
      codec_(std::move(codec)),
      hub_(settings_.sessions, std::move(store)),
      history_(std::make_unique<TopicHistory>(settings_.history,
                                              settings_.sessions.max_history_topics, hub_.store())),
      router_(std::make_unique<LocalRouter>(hub_, metrics_)),
      tables_(settings_.tables),
      replay_guard_(
          settings_.replay_guard
              ? std::make_unique<ReplayGuard>(
                    ReplayGuard::Options{settings_.replay_entries, codec_.current()->options().ttl},
                    message::unix_now())
              : nullptr),
      auth_throttle_(std::make_unique<AuthThrottle>()),
      address_rates_(std::make_unique<AddressRates>(settings_.rates)),
      dispatcher_(std::make_unique<Dispatcher>(*this)),
      workers_(settings_.worker_threads, settings_.worker_queue) {
  add_builtin_commands(*this);
  add_builtin_requestables(*this);
}

Gateway::~Gateway() = default;

transports::Handler& Gateway::handler() noexcept {
  return *dispatcher_;
}

void Gateway::tick(std::chrono::steady_clock::time_point now) {
  hub_.tick(now);
  history_->expire(std::chrono::system_clock::now());
  outgoing_.tick(now);
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
  request.from.clear();
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
  return true;
}

}  // namespace gw::gateway
