#pragma once

#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <gw/client/client.hpp>
#include <gw/message/codec.hpp>

#include "http_exchanger.hpp"
#include "link.hpp"
#include "provided_services.hpp"

namespace gw::client {

// What a Client is: one thread running an io_context, and everything else touched only from
// that thread (the public methods post to it and wait), so that no state needs a lock but the
// handshake's summary, which callers read directly.
class ClientCore : public std::enable_shared_from_this<ClientCore> {
 public:
  ClientCore(GatewayUrl url, message::KeyRing keys, ClientOptions options);
  ~ClientCore();

  void start();  // connects and handshakes; ClientError on failure
  void close();

  message::Message request(message::Message request);
  void send(message::Message message);
  message::Message subscribe(std::string filter, MessageHandler handler, std::string since);
  message::Message unsubscribe(const std::string& filter);
  message::Message provide(std::string name, ServiceHandler handler, std::string description);
  message::Message unprovide(const std::string& name);
  void add_message_handler(MessageHandler handler);
  void set_state_handler(StateHandler handler);

  GatewayInfo gateway() const;
  ConnectionState state() const;
  const GatewayUrl& url() const noexcept { return url_; }

 private:
  using Clock = std::chrono::steady_clock;
  struct PendingReply {
    explicit PendingReply(boost::asio::io_context& io) : timer(io) {}
    boost::asio::steady_timer timer;
    std::optional<message::Message> reply;
    std::optional<ClientError> error;
  };

  template <class T>
  T wait_for(boost::asio::awaitable<T> work);
  void spawn(boost::asio::awaitable<void> (ClientCore::*loop)());

  boost::asio::awaitable<void> open();
  boost::asio::awaitable<void> start_loops();
  boost::asio::awaitable<void> handshake();
  // Goes on as the session of the last handshake on a new connection, with its subscriptions
  // and, first, what arrived while the connection was down; false when there is none to resume.
  boost::asio::awaitable<bool> resume();
  // Ends the session at the gateway (bye), so that it does not wait to be resumed.
  boost::asio::awaitable<void> leave();
  boost::asio::awaitable<void> restore_subscriptions();
  boost::asio::awaitable<void> restore_services();
  // For an HTTP or UDP session the gateway no longer knows (`token_used` was refused): a
  // handshake and the subscriptions, unless another request renewed it meanwhile.
  boost::asio::awaitable<void> renew_session(std::string token_used);
  boost::asio::awaitable<void> wait_for_renewal();
  // `renew_session`: an HTTP or UDP session the gateway no longer knows is made again (not
  // while subscriptions are being restored, which is part of making it).
  boost::asio::awaitable<message::Message> subscribe_once(std::string filter, std::string since,
                                                          bool renew_session);
  boost::asio::awaitable<message::Message> exchange(message::Message request,
                                                    std::chrono::milliseconds timeout);
  // One request and its reply, made again once with a new token when the gateway says the
  // token is older than its replay window.
  boost::asio::awaitable<message::Message> exchange_once(message::Message request,
                                                         std::chrono::milliseconds timeout);
  boost::asio::awaitable<message::Message> exchange_attempt(message::Message request,
                                                            std::chrono::milliseconds timeout);
  boost::asio::awaitable<void> read_loop(std::shared_ptr<Link> link);
  boost::asio::awaitable<void> reconnect_loop();
  boost::asio::awaitable<void> keepalive_loop();
  boost::asio::awaitable<void> poll_loop();
  boost::asio::awaitable<void> pause(boost::asio::steady_timer& timer,
                                     std::chrono::milliseconds delay);

  // The cluster's gateways from a handshake's or resume's data.nodes.
  void learn_cluster(const nlohmann::json& nodes);
  // Moves to the next gateway of the cluster (HTTP: the next requests and polls go there, with
  // the same session token; WebSocket and TCP: the next reconnection, resuming the session);
  // false when there is no other.
  bool fail_over();

  void prepare(message::Message& request);
  std::string encode(const message::Message& message) const;
  // `greeting`: the first frame of a link the gateway greets, which may be under another key.
  void on_frame(std::string_view token, bool greeting = false);
  void deliver(const message::Message& message);
  void fail_pending(ErrorKind kind, const std::string& why);
  void set_state(ConnectionState state, const std::string& why);
  std::chrono::milliseconds backoff(unsigned attempt);
  std::string silence_hint() const;

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
  std::promise<void> stopped_;
  std::atomic<bool> closed_{false};

  const GatewayUrl url_;  // the one asked for
  // The gateway connected to: url_, or in a cluster another of its gateways after this one
  // stopped answering.
  GatewayUrl current_;
  // In a cluster: its gateways as the last handshake listed them, the one connected to first,
  // on the same transport; tried in turn when the one connected to stops answering.
  std::vector<GatewayUrl> cluster_;
  const message::KeyRing keys_;
  const message::Codec codec_;
  const ClientOptions options_;

  std::shared_ptr<Link> link_;                      // WebSocket, TCP, UDP
  std::shared_ptr<boost::asio::ssl::context> tls_;  // https and wss: what is trusted
  std::shared_ptr<HttpExchanger> http_;             // HTTP
  std::map<std::string, std::shared_ptr<PendingReply>> pending_;
  // A subscription, and where in the gateway's topic history it has got to: the history's
  // epoch and the newest offset it received, from which a new session subscribes again.
  struct Subscription {
    MessageHandler handler;
    std::string epoch;
    std::uint64_t offset = 0;
  };
  std::map<std::string, Subscription> subscriptions_;
  std::vector<MessageHandler> message_handlers_;
  ProvidedServices services_;
  StateHandler state_handler_;
  boost::asio::steady_timer keepalive_timer_;
  boost::asio::steady_timer retry_timer_;
  // Cancelled when a session renewal ends, waking the requests that found the session gone
  // meanwhile: one renewal for all of them, not one each (each would orphan the last).
  boost::asio::steady_timer renewed_;
  bool renewing_ = false;
  std::string session_token_;
  std::string resume_token_;        // WebSocket, TCP: to resume the session after a reconnect
  std::uint64_t acknowledged_ = 0;  // HTTP: the last message number handled, acked by polls
  std::string id_prefix_;
  std::uint64_t next_id_ = 1;
  double clock_offset_ = 0;
  Clock::time_point last_heard_{};
  std::optional<message::Error> last_unreadable_;
  bool closing_ = false;
  bool reconnecting_ = false;

  mutable std::mutex info_mutex_;  // guards info_ and state_, read from any thread
  GatewayInfo info_;
  ConnectionState state_ = ConnectionState::connecting;
};

}  // namespace gw::client
