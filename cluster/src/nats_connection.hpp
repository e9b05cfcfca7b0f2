#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nats/nats.h>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gw::cluster {

// One connection to NATS (the C client, nats.c), kept up by the client library: it connects in
// the background when no server answers at start, and reconnects for as long as it takes.
//
// It is shaped around nats.c 3.4.1's known problems:
//  - a handler may be called after its subscription is unsubscribed (a message already queued
//    in the delivery pool), and messages for a destroyed subscription crash the library: a
//    subscription is unsubscribed (or drained) at once, but it and its handler are destroyed
//    only a grace period later (or when the connection has closed and no handler runs any more);
//  - a pull consumer's Fetch can wait past its timeout: nothing here fetches; the cluster's
//    JetStream use is key-value, bounded by the JetStream context's wait.
// Handlers run on the library's delivery threads (a small shared pool, not one per
// subscription). Thread-safe.
class NatsConnection {
 public:
  struct Options {
    std::vector<std::string> servers;
    std::string name;  // shown by the NATS server's monitoring
    std::string user;
    std::string password;
    std::string token;
    std::string credentials_file;
    std::string ca_file;
    // Called on every change, from a library thread: up, or down and why.
    std::function<void(bool up, const std::string& why)> on_change;
  };
  struct Incoming {
    std::string_view subject;
    std::string_view reply;
    std::string_view data;
    bool no_responders = false;  // the answer to a request nobody subscribed to
    std::string_view kind;       // the Gw-Kind header, if any: what a message to a client is
  };
  using Handler = std::function<void(const Incoming&)>;
  using SubscriptionId = std::uint64_t;

  // Starts connecting; throws std::runtime_error when the options cannot be used.
  explicit NatsConnection(Options options);
  ~NatsConnection();
  NatsConnection(const NatsConnection&) = delete;
  NatsConnection& operator=(const NatsConnection&) = delete;

  // Closes the connection and waits until no handler runs; nothing is delivered after. Also
  // done by the destructor.
  void close();

  bool connected() const noexcept { return up_.load(std::memory_order_acquire); }
  // Empty while connected; else why not.
  std::string problem() const;

  // Sends (buffered, flushed by the library); false when not connected or refused.
  bool publish(const std::string& subject, std::string_view data, const std::string& reply = {});
  // The same, with a Gw-Kind header saying what it is (a request rather than a message).
  bool publish(const std::string& subject, std::string_view data, const std::string& reply,
               const std::string& kind);
  // Calls `handler` for every message on `subject` (wildcards allowed) until unsubscribed; the
  // library re-subscribes after a reconnect. 0 when the library refused. Bounded: a gateway
  // that falls behind by 65,536 messages or 64 MiB loses the excess (logged as a slow consumer).
  SubscriptionId subscribe(const std::string& subject, Handler handler);
  // Ends a subscription at once: what the server sent it before it heard of this is dropped.
  void unsubscribe(SubscriptionId id);
  // Ends a subscription once the server has confirmed it: what the server sent it before (a
  // request another gateway made a moment ago) is still handed to its handler, which can
  // answer it. Costs a round trip to the server, and the library a short-lived thread.
  void drain(SubscriptionId id);
  // Waits (up to a second) until the server has seen everything sent so far, subscriptions
  // included.
  void flush();

  // JetStream, for key-value buckets: requests wait at most `wait`.
  jsCtx* jetstream() const noexcept { return jetstream_; }

  // Text of a nats.c status and its last error, for logs and replies.
  static std::string describe(natsStatus status);

 private:
  struct Listener {
    Handler handler;
  };
  struct Subscription {
    natsSubscription* subscription = nullptr;
    std::unique_ptr<Listener> listener;
    std::chrono::steady_clock::time_point unsubscribed;
  };
  static void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure);
  static void on_connected(natsConnection*, void* closure);
  static void on_disconnected(natsConnection*, void* closure);
  static void on_closed(natsConnection*, void* closure);
  static void on_error(natsConnection*, natsSubscription* subscription, natsStatus error,
                       void* closure);
  void changed(bool up, const std::string& why);
  void stop(SubscriptionId id, bool drained);

  Options options_;
  natsConnection* connection_ = nullptr;
  jsCtx* jetstream_ = nullptr;
  std::atomic<bool> up_{false};
  mutable std::mutex mutex_;
  std::string problem_;
  bool closed_ = false;
  std::once_flag close_once_;
  std::condition_variable closed_changed_;
  std::unordered_map<SubscriptionId, Subscription> subscriptions_;
  std::deque<Subscription> unsubscribed_;  // oldest first, destroyed after a grace period
  SubscriptionId next_id_ = 1;
};

}  // namespace gw::cluster
