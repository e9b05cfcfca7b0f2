#include "nats_connection.hpp"

#include <stdexcept>
#include <thread>

#include <spdlog/spdlog.h>

namespace gw::cluster {

namespace {

constexpr int delivery_threads = 2;  // the library's shared pool for every handler
constexpr std::int64_t reconnect_wait_ms = 250;
constexpr std::int64_t connect_timeout_ms = 2000;
// A server that stops answering is given up after about two pings: 2 x 1 s.
constexpr std::int64_t ping_interval_ms = 1000;
constexpr int max_pings_out = 2;
constexpr std::int64_t jetstream_wait_ms = 2000;
constexpr auto close_wait = std::chrono::seconds(5);
// How long a drained subscription may take to hand over what the server sent it before the
// unsubscribe reached it: a round trip to the server and the handlers already queued.
constexpr std::int64_t drain_timeout_ms = 5000;
// Long past any message the library had queued for a subscription when it was unsubscribed,
// and past the drain's own timeout.
constexpr auto unsubscribed_grace = std::chrono::seconds(10);

constexpr const char* kind_header = "Gw-Kind";

// Handlers running now, over every connection: the destructor waits for none to run before it
// frees them.
std::atomic<int> handlers_running{0};

void check(natsStatus status, const char* what) {
  if (status != NATS_OK)
    throw std::runtime_error(std::string("NATS: ") + what + ": " +
                             NatsConnection::describe(status));
}

struct OptionsHolder {
  natsOptions* options = nullptr;
  ~OptionsHolder() { natsOptions_Destroy(options); }
};

}  // namespace

std::string NatsConnection::describe(natsStatus status) {
  std::string text = natsStatus_GetText(status);
  natsStatus last = NATS_OK;
  if (const char* detail = nats_GetLastError(&last); detail && *detail && last == status)
    text += " (" + std::string(detail) + ")";
  return text;
}

NatsConnection::NatsConnection(Options options) : options_(std::move(options)) {
  if (options_.servers.empty()) throw std::runtime_error("NATS: no server to connect to");
  // Handlers share a small pool of threads rather than one thread per subscription: a gateway
  // subscribes once per client name.
  check(nats_SetMessageDeliveryPoolSize(delivery_threads), "delivery pool");
  OptionsHolder holder;
  check(natsOptions_Create(&holder.options), "options");
  auto* nats_options = holder.options;
  std::vector<const char*> servers;
  for (const auto& server : options_.servers)
    servers.push_back(server.c_str());
  check(natsOptions_SetServers(nats_options, servers.data(), static_cast<int>(servers.size())),
        "servers");
  if (!options_.name.empty())
    check(natsOptions_SetName(nats_options, options_.name.c_str()), "name");
  if (!options_.user.empty())
    check(natsOptions_SetUserInfo(nats_options, options_.user.c_str(), options_.password.c_str()),
          "user");
  if (!options_.token.empty())
    check(natsOptions_SetToken(nats_options, options_.token.c_str()), "token");
  if (!options_.credentials_file.empty())
    check(natsOptions_SetUserCredentialsFromFiles(nats_options, options_.credentials_file.c_str(),
                                                  nullptr),
          "credentials file");
  if (!options_.ca_file.empty()) {
    check(natsOptions_SetSecure(nats_options, true), "TLS");
    check(natsOptions_LoadCATrustedCertificates(nats_options, options_.ca_file.c_str()),
          "TLS certificate authorities");
  }
  check(natsOptions_UseGlobalMessageDelivery(nats_options, true), "delivery pool");
  // A gateway delivers its own messages itself; NATS sends it only the others'.
  check(natsOptions_SetNoEcho(nats_options, true), "no echo");
  // Written at once rather than by the library's flusher a moment later: a stamp must reach
  // the other gateways before a client could send them the same token.
  check(natsOptions_SetSendAsap(nats_options, true), "send at once");
  check(natsOptions_SetTimeout(nats_options, connect_timeout_ms), "timeout");
  check(natsOptions_SetPingInterval(nats_options, ping_interval_ms), "ping interval");
  check(natsOptions_SetMaxPingsOut(nats_options, max_pings_out), "pings");
  check(natsOptions_SetMaxReconnect(nats_options, -1), "reconnects");
  check(natsOptions_SetReconnectWait(nats_options, reconnect_wait_ms), "reconnect wait");
  check(natsOptions_SetRetryOnFailedConnect(nats_options, true, on_connected, this), "retry");
  check(natsOptions_SetReconnectedCB(nats_options, on_connected, this), "reconnected");
  check(natsOptions_SetDisconnectedCB(nats_options, on_disconnected, this), "disconnected");
  check(natsOptions_SetClosedCB(nats_options, on_closed, this), "closed");
  check(natsOptions_SetErrorHandler(nats_options, on_error, this), "errors");
  {
    std::lock_guard lock(mutex_);
    problem_ = "connecting to NATS at " + options_.servers.front();
  }
  const auto status = natsConnection_Connect(&connection_, nats_options);
  if (status == NATS_OK)
    changed(true, {});
  else if (status == NATS_NOT_YET_CONNECTED)  // goes on trying in the background
    changed(false, "NATS unreachable at " + options_.servers.front() + "; retrying");
  else
    check(status, "connect");
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = jetstream_wait_ms;
  check(natsConnection_JetStream(&jetstream_, connection_, &js_options), "JetStream");
}

void NatsConnection::close() {
  std::call_once(close_once_, [this] {
    natsConnection_Close(connection_);
    {
      std::unique_lock lock(mutex_);
      closed_changed_.wait_for(lock, close_wait, [this] { return closed_; });
    }
    // Closed: no handler starts any more; wait for those running to return.
    while (handlers_running.load(std::memory_order_acquire) > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
}

NatsConnection::~NatsConnection() {
  close();
  for (auto& [id, entry] : subscriptions_)
    natsSubscription_Destroy(entry.subscription);
  for (auto& entry : unsubscribed_)
    natsSubscription_Destroy(entry.subscription);
  jsCtx_Destroy(jetstream_);
  natsConnection_Destroy(connection_);
}

std::string NatsConnection::problem() const {
  std::lock_guard lock(mutex_);
  return problem_;
}

void NatsConnection::changed(bool up, const std::string& why) {
  {
    std::lock_guard lock(mutex_);
    problem_ = why;
  }
  up_.store(up, std::memory_order_release);
  if (options_.on_change) options_.on_change(up, why);
}

void NatsConnection::on_connected(natsConnection* connection, void* closure) {
  auto* self = static_cast<NatsConnection*>(closure);
  char url[256] = "";
  natsConnection_GetConnectedUrl(connection, url, sizeof url);
  self->changed(true, {});
  spdlog::info("cluster: connected to NATS at {}", url);
}

void NatsConnection::on_disconnected(natsConnection* connection, void* closure) {
  auto* self = static_cast<NatsConnection*>(closure);
  const char* last = nullptr;
  natsConnection_GetLastError(connection, &last);
  self->changed(false, "disconnected from NATS" +
                           (last && *last ? ": " + std::string(last) : std::string()) +
                           "; reconnecting");
}

void NatsConnection::on_closed(natsConnection*, void* closure) {
  auto* self = static_cast<NatsConnection*>(closure);
  // All of it under the lock: close() returns, and the destructor may run, as soon as this
  // thread lets go of it, so nothing of self is touched after.
  std::lock_guard lock(self->mutex_);
  self->closed_ = true;
  self->problem_ = "the connection to NATS is closed";
  self->up_.store(false, std::memory_order_release);
  self->closed_changed_.notify_all();
}

void NatsConnection::on_error(natsConnection*, natsSubscription* subscription, natsStatus error,
                              void*) {
  // A slow consumer (the gateway fell behind and the library dropped messages) is said once
  // each time it starts.
  const char* subject = subscription ? natsSubscription_GetSubject(subscription) : nullptr;
  spdlog::warn("cluster: NATS: {}{}", natsStatus_GetText(error),
               subject ? std::string(" on ") + subject : std::string());
}

void NatsConnection::on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  handlers_running.fetch_add(1, std::memory_order_acq_rel);
  const auto* listener = static_cast<const Listener*>(closure);
  const char* reply = natsMsg_GetReply(msg);
  const char* kind = nullptr;
  if (natsMsgHeader_Get(msg, kind_header, &kind) != NATS_OK) kind = nullptr;
  const Incoming incoming{
      natsMsg_GetSubject(msg), reply ? std::string_view(reply) : std::string_view(),
      std::string_view(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))),
      natsMsg_IsNoResponders(msg), kind ? std::string_view(kind) : std::string_view()};
  try {
    listener->handler(incoming);
  } catch (const std::exception& error) {
    spdlog::error("cluster: a message on {} could not be handled: {}", incoming.subject,
                  error.what());
  }
  natsMsg_Destroy(msg);
  handlers_running.fetch_sub(1, std::memory_order_acq_rel);
}

bool NatsConnection::publish(const std::string& subject, std::string_view data,
                             const std::string& reply) {
  if (!connected()) return false;
  const auto length = static_cast<int>(data.size());
  const auto status =
      reply.empty() ? natsConnection_Publish(connection_, subject.c_str(), data.data(), length)
                    : natsConnection_PublishRequest(connection_, subject.c_str(), reply.c_str(),
                                                    data.data(), length);
  if (status != NATS_OK)
    spdlog::debug("cluster: could not publish on {}: {}", subject, describe(status));
  return status == NATS_OK;
}

bool NatsConnection::publish(const std::string& subject, std::string_view data,
                             const std::string& reply, const std::string& kind) {
  if (!connected()) return false;
  natsMsg* msg = nullptr;
  auto status = natsMsg_Create(&msg, subject.c_str(), reply.empty() ? nullptr : reply.c_str(),
                               data.data(), static_cast<int>(data.size()));
  if (status == NATS_OK) status = natsMsgHeader_Set(msg, kind_header, kind.c_str());
  if (status == NATS_OK) status = natsConnection_PublishMsg(connection_, msg);
  natsMsg_Destroy(msg);
  if (status != NATS_OK)
    spdlog::debug("cluster: could not publish {} on {}: {}", kind, subject, describe(status));
  return status == NATS_OK;
}

NatsConnection::SubscriptionId NatsConnection::subscribe(const std::string& subject,
                                                         Handler handler) {
  auto listener = std::make_unique<Listener>(Listener{std::move(handler)});
  natsSubscription* subscription = nullptr;
  const auto status = natsConnection_Subscribe(&subscription, connection_, subject.c_str(),
                                               on_message, listener.get());
  if (status != NATS_OK) {
    spdlog::error("cluster: cannot subscribe to {}: {}", subject, describe(status));
    return 0;
  }
  // A gateway that falls behind loses NATS messages rather than its memory; the library counts
  // them (slow consumer) and the error handler logs it.
  natsSubscription_SetPendingLimits(subscription, 65536, 64 * 1024 * 1024);
  std::lock_guard lock(mutex_);
  const auto id = next_id_++;
  subscriptions_.emplace(id, Subscription{subscription, std::move(listener), {}});
  return id;
}

void NatsConnection::flush() {
  if (connected()) natsConnection_FlushTimeout(connection_, 1000);
}

void NatsConnection::unsubscribe(SubscriptionId id) {
  stop(id, false);
}

void NatsConnection::drain(SubscriptionId id) {
  stop(id, true);
}

void NatsConnection::stop(SubscriptionId id, bool drained) {
  std::lock_guard lock(mutex_);
  const auto found = subscriptions_.find(id);
  if (found == subscriptions_.end()) return;
  auto* subscription = found->second.subscription;
  // The library drains on a thread of its own per subscription; when it cannot (the connection
  // closed, no thread to be had), what is in flight is lost as with a plain unsubscribe.
  if (!drained || natsSubscription_DrainTimeout(subscription, drain_timeout_ms) != NATS_OK)
    natsSubscription_Unsubscribe(subscription);
  // Kept, with its handler, for a grace period: see the class comment.
  const auto now = std::chrono::steady_clock::now();
  found->second.unsubscribed = now;
  unsubscribed_.push_back(std::move(found->second));
  subscriptions_.erase(found);
  while (!unsubscribed_.empty() && now - unsubscribed_.front().unsubscribed > unsubscribed_grace) {
    natsSubscription_Destroy(unsubscribed_.front().subscription);
    unsubscribed_.pop_front();
  }
}

}  // namespace gw::cluster
