#include "client_core.hpp"

#include <cmath>
#include <iostream>
#include <random>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gw/message/topic.hpp>
#include <gw/message/unix_time.hpp>

#include "tls_stream.hpp"

namespace gw::client {

namespace asio = boost::asio;
using message::Message;
using std::chrono::milliseconds;

namespace {

double unix_seconds_now() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string random_prefix() {
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device device;
  std::string prefix;
  for (int i = 0; i < 6; ++i)
    prefix += alphabet[device() % (sizeof alphabet - 1)];
  return prefix;
}

std::string text_of(const Message& reply) {
  return std::to_string(reply.code.value_or(0)) + " " + reply.text;
}

}  // namespace

ClientCore::ClientCore(GatewayUrl url, message::KeyRing keys, ClientOptions options)
    : work_(io_.get_executor()),
      url_(std::move(url)),
      current_(url_),
      keys_(std::move(keys)),
      codec_(keys_),
      options_(std::move(options)),
      keepalive_timer_(io_),
      retry_timer_(io_),
      renewed_(io_),
      id_prefix_(random_prefix()) {
  if (url_.tls) tls_ = make_tls_context(options_.ca_file);
  if (url_.scheme == Scheme::http) http_ = make_http_exchanger(io_, current_, tls_);
}

ClientCore::~ClientCore() {
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id())
    thread_.detach();  // the last reference went with a handler of our own thread
  else
    close();
}

template <class T>
T ClientCore::wait_for(asio::awaitable<T> work) {
  if (std::this_thread::get_id() == thread_.get_id())
    throw std::logic_error("gw::client: a blocking call from inside a handler would wait forever");
  if (closed_) throw ClientError(ErrorKind::closed, "the client is closed");
  return asio::co_spawn(io_, std::move(work), asio::use_future).get();
}

void ClientCore::spawn(asio::awaitable<void> (ClientCore::*loop)()) {
  asio::co_spawn(
      io_, [self = shared_from_this(), loop] { return ((*self).*loop)(); }, asio::detached);
}

void ClientCore::start() {
  thread_ = std::thread([this] {
    io_.run();
    stopped_.set_value();
  });
  try {
    wait_for(start_loops());
  } catch (...) {
    close();
    throw;
  }
}

void ClientCore::close() {
  if (closed_.exchange(true)) return;
  asio::co_spawn(
      io_,
      [this]() -> asio::awaitable<void> {
        co_await leave();
        closing_ = true;
        if (link_) link_->close();
        if (http_) http_->close();
        keepalive_timer_.cancel();
        retry_timer_.cancel();
        renewed_.cancel();
        fail_pending(ErrorKind::closed, "the client was closed");
        set_state(ConnectionState::closed, "closed");
      },
      asio::detached);
  work_.reset();
  if (!thread_.joinable() || thread_.get_id() == std::this_thread::get_id()) return;
  // A WebSocket close handshake gets a moment; nothing else may hold the thread up.
  if (stopped_.get_future().wait_for(std::chrono::seconds(2)) != std::future_status::ready)
    io_.stop();
  thread_.join();
}

Message ClientCore::request(Message request) {
  return wait_for(exchange(std::move(request), options_.timeout));
}

void ClientCore::send(Message message) {
  asio::post(io_, [self = shared_from_this(), message = std::move(message)]() mutable {
    if (self->closing_) return;
    self->prepare(message);
    if (self->http_) {
      asio::co_spawn(
          self->io_,
          [self, message]() -> asio::awaitable<void> {
            try {
              co_await self->exchange(message, self->options_.timeout);
            } catch (const ClientError&) {
              // Sent without waiting: nobody to tell but the connection state.
            }
          },
          asio::detached);
    } else if (self->link_) {
      self->link_->write(std::make_shared<const std::string>(self->encode(message)));
    }
  });
}

Message ClientCore::subscribe(std::string filter, MessageHandler handler, std::string since) {
  return wait_for([](std::shared_ptr<ClientCore> self, std::string wanted,
                     MessageHandler on_published, std::string from) -> asio::awaitable<Message> {
    // Handled from the start: what was missed comes before the reply.
    auto& subscription = self->subscriptions_[wanted];
    const bool existed = static_cast<bool>(subscription.handler);
    auto previous = std::move(subscription.handler);
    subscription.handler = std::move(on_published);
    auto reply = co_await self->subscribe_once(wanted, std::move(from), true);
    if (reply.code.value_or(0) != 200) {
      if (existed)
        self->subscriptions_[wanted].handler = std::move(previous);
      else
        self->subscriptions_.erase(wanted);
    }
    co_return reply;
  }(shared_from_this(), std::move(filter), std::move(handler), std::move(since)));
}

asio::awaitable<Message> ClientCore::subscribe_once(std::string filter, std::string since,
                                                    bool renew_session) {
  Message request;
  request.cmd = "subscribe";
  request.topic = filter;
  if (!since.empty()) request.args = "since=" + since;
  // Not `renew ? co_await a : co_await b`: GCC 12 destroys such a temporary twice.
  Message reply;
  if (renew_session)
    reply = co_await exchange(request, options_.timeout);
  else
    reply = co_await exchange_once(request, options_.timeout);
  const auto found = subscriptions_.find(filter);
  if (reply.code.value_or(0) != 200 || found == subscriptions_.end()) co_return reply;
  // Where history stands now; what arrived before the reply has moved `offset` already.
  auto& subscription = found->second;
  const auto data = reply.data.parse();
  const auto epoch = data.value("epoch", std::string());
  const auto offset = data.value("offset", std::uint64_t{0});
  if (epoch != subscription.epoch) subscription.offset = 0;
  subscription.epoch = epoch;
  subscription.offset = std::max(subscription.offset, offset);
  co_return reply;
}

Message ClientCore::unsubscribe(const std::string& filter) {
  return wait_for(
      [](std::shared_ptr<ClientCore> self, std::string unwanted) -> asio::awaitable<Message> {
        self->subscriptions_.erase(unwanted);
        Message request;
        request.cmd = "unsubscribe";
        request.topic = unwanted;
        co_return co_await self->exchange(request, self->options_.timeout);
      }(shared_from_this(), filter));
}

Message ClientCore::provide(std::string name, ServiceHandler handler, std::string description) {
  return wait_for([](std::shared_ptr<ClientCore> self, std::string service, ServiceHandler serve,
                     std::string about) -> asio::awaitable<Message> {
    // Answered from the start: a call may come before the reply.
    self->services_.add(service, std::move(serve), about);
    Message request;
    request.cmd = "provide";
    request.args = service;
    request.data = nlohmann::json{{"description", std::move(about)}};
    auto reply = co_await self->exchange(request, self->options_.timeout);
    if (reply.code.value_or(0) != 200) self->services_.remove(service);
    co_return reply;
  }(shared_from_this(), std::move(name), std::move(handler), std::move(description)));
}

Message ClientCore::unprovide(const std::string& name) {
  return wait_for(
      [](std::shared_ptr<ClientCore> self, std::string service) -> asio::awaitable<Message> {
        self->services_.remove(service);
        Message request;
        request.cmd = "unprovide";
        request.args = service;
        co_return co_await self->exchange(request, self->options_.timeout);
      }(shared_from_this(), name));
}

asio::awaitable<void> ClientCore::restore_services() {
  for (auto& request : services_.provide_requests()) {
    const auto name = request.args;
    const auto reply = co_await exchange_once(std::move(request), options_.timeout);
    if (reply.code.value_or(0) == 200) continue;
    std::cerr << "gw::client: could not provide " << name << " again: " << text_of(reply) << '\n';
    services_.remove(name);
  }
}

void ClientCore::add_message_handler(MessageHandler handler) {
  asio::post(io_, [this, handler = std::move(handler)]() mutable {
    message_handlers_.push_back(std::move(handler));
  });
}

void ClientCore::set_state_handler(StateHandler handler) {
  asio::post(
      io_, [this, handler = std::move(handler)]() mutable { state_handler_ = std::move(handler); });
}

GatewayInfo ClientCore::gateway() const {
  std::lock_guard lock(info_mutex_);
  return info_;
}

ConnectionState ClientCore::state() const {
  std::lock_guard lock(info_mutex_);
  return state_;
}

// ---- on the client's thread from here on ----

asio::awaitable<void> ClientCore::start_loops() {
  co_await open();
  if (options_.keepalive.count() > 0) spawn(&ClientCore::keepalive_loop);
  if (http_ && options_.receive) spawn(&ClientCore::poll_loop);
}

asio::awaitable<void> ClientCore::open() {
  last_unreadable_.reset();
  if (!http_) {
    auto link = make_link(io_, current_, tls_);
    co_await link->connect(options_.timeout);
    if (link_) link_->close();
    link_ = link;
    asio::co_spawn(
        io_, [self = shared_from_this(), link] { return self->read_loop(link); }, asio::detached);
  }
  bool resumed = false;
  try {
    resumed = co_await resume();
    if (!resumed) {
      co_await handshake();
      co_await restore_subscriptions();
    }
    co_await restore_services();  // a provider's services end with its connection
  } catch (const ClientError&) {
    if (link_) link_->close();
    throw;
  }
  set_state(ConnectionState::connected,
            (resumed ? "resumed the session on " : "connected to ") + current_.to_string());
}

asio::awaitable<bool> ClientCore::resume() {
  if (resume_token_.empty() || http_) co_return false;
  Message request;
  request.cmd = "resume";
  request.args = resume_token_;
  // What waited comes before the reply and goes to the handlers like any message.
  const auto reply = co_await exchange_once(request, options_.timeout);
  // 409: the session is another gateway's of the cluster, which has not yet been missed long
  // enough to be taken for gone (a few seconds): kept, and tried again.
  if (reply.code.value_or(0) == 409)
    throw ClientError(ErrorKind::refused, "cannot resume yet: " + text_of(reply));
  if (reply.code.value_or(0) != 200) {
    resume_token_.clear();  // ended meanwhile (idle, or the gateway lost it): a new session
    co_return false;
  }
  if (const auto data = reply.data.parse(); data.is_object())
    learn_cluster(data.value("nodes", nlohmann::json()));
  co_return true;
}

asio::awaitable<void> ClientCore::leave() {
  // Only a session that would otherwise stay behind: resumable, or an HTTP or UDP one.
  if (state() != ConnectionState::connected || (resume_token_.empty() && session_token_.empty()))
    co_return;
  Message bye;
  bye.cmd = "bye";
  try {
    co_await exchange_once(bye, std::min(options_.timeout, milliseconds(1000)));
  } catch (const ClientError&) {
    // Gone already: the gateway ends the session when its idle time runs out.
  }
}

asio::awaitable<void> ClientCore::handshake() {
  Message request;
  request.cmd = "handshake";
  if (!options_.offers.is_null()) request.data = options_.offers;
  session_token_.clear();
  const auto sent = unix_seconds_now();
  Message reply;
  try {
    reply = co_await exchange_once(request, options_.timeout);
  } catch (const ClientError& error) {
    if (error.kind() != ErrorKind::timeout) throw;
    throw ClientError(ErrorKind::unreachable,
                      "no answer to the handshake from " + current_.to_string() + " within " +
                          std::to_string(options_.timeout.count()) + " ms" + silence_hint());
  }
  if (reply.code.value_or(0) != 200)
    throw ClientError(ErrorKind::refused, "the gateway refused the handshake: " + text_of(reply));
  const auto data = reply.data.parse();
  const auto string_at = [](const nlohmann::json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : "";
  };
  const auto server = data.value("server", nlohmann::json::object());
  const auto session = data.value("session", nlohmann::json::object());
  if (const auto time = server.find("unix_time"); time != server.end() && time->is_number())
    clock_offset_ = time->get<double>() - (sent + unix_seconds_now()) / 2;
  session_token_ = string_at(session, "token");
  resume_token_ = string_at(session, "resume");
  learn_cluster(data.value("nodes", nlohmann::json()));
  acknowledged_ = 0;  // a new session numbers its messages from 1
  std::lock_guard lock(info_mutex_);
  info_.name = string_at(server, "name");
  info_.id = string_at(server, "id");
  info_.version = string_at(server, "version");
  info_.endpoints = data.value("endpoints", nlohmann::json::object());
  info_.session_id = string_at(session, "id");
  info_.session_name = string_at(session, "name");
  info_.clock_offset = clock_offset_;
}

asio::awaitable<void> ClientCore::restore_subscriptions() {
  // By name, looked up again after each reply: an unsubscribe may run while one is awaited.
  std::vector<std::string> filters;
  for (const auto& [filter, subscription] : subscriptions_)
    filters.push_back(filter);
  for (const auto& filter : filters) {
    const auto found = subscriptions_.find(filter);
    if (found == subscriptions_.end()) continue;
    // From the last offset received, so that what history kept meanwhile is not missed.
    const auto& subscription = found->second;
    const auto since = subscription.epoch.empty()
                           ? std::string()
                           : subscription.epoch + ":" + std::to_string(subscription.offset);
    auto reply = co_await subscribe_once(filter, since, false);
    // An offset beyond the newest: a history restored from an older backup. From now, then.
    if (reply.code.value_or(0) == 400 && !since.empty())
      reply = co_await subscribe_once(filter, "", false);
    if (reply.code.value_or(0) == 200) continue;
    std::cerr << "gw::client: could not subscribe to " << filter << " again: " << text_of(reply)
              << '\n';
    subscriptions_.erase(filter);
  }
}

asio::awaitable<Message> ClientCore::exchange(Message request, milliseconds timeout) {
  co_await wait_for_renewal();  // for the new session's token, rather than none
  const bool had_session = !session_token_.empty() && request.token.empty();
  const auto token_used = session_token_;
  Message reply;
  bool moved = false;
  const auto http_used = http_;
  try {
    reply = co_await exchange_once(request, timeout);
  } catch (const ClientError& error) {
    // HTTP in a cluster: the same request, with the same session token, to another gateway,
    // which takes the session over when this one is gone (or already went there meanwhile).
    const bool elsewhere_already = http_ && http_ != http_used;
    if (!http_ || error.kind() == ErrorKind::wrong_key || closing_ ||
        (!elsewhere_already && (error.kind() == ErrorKind::closed || !fail_over())))
      throw;
    moved = true;
  }
  if (moved) reply = co_await exchange_once(request, timeout);
  // An HTTP or UDP session the gateway no longer knows (it restarted, or the session idled
  // out): a new handshake, the subscriptions again, and the request once more.
  if (had_session && reply.code.value_or(0) == 401 && request.cmd != "handshake") {
    co_await renew_session(token_used);
    reply = co_await exchange_once(std::move(request), timeout);
  }
  co_return reply;
}

asio::awaitable<void> ClientCore::wait_for_renewal() {
  while (renewing_ && !closing_) {
    renewed_.expires_at(asio::steady_timer::time_point::max());
    co_await renewed_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> ClientCore::renew_session(std::string token_used) {
  co_await wait_for_renewal();
  if (session_token_ != token_used || closing_) co_return;  // renewed meanwhile
  renewing_ = true;
  try {
    co_await handshake();
    co_await restore_subscriptions();
    co_await restore_services();
  } catch (...) {
    renewing_ = false;
    renewed_.cancel();
    throw;
  }
  renewing_ = false;
  renewed_.cancel();
  set_state(ConnectionState::connected, "new session on " + current_.to_string());
}

asio::awaitable<Message> ClientCore::exchange_once(Message request, milliseconds timeout) {
  auto reply = co_await exchange_attempt(request, timeout);
  // A token dated before the gateway's replay window (made before it restarted, say): every
  // attempt makes a new token, dated now, so one more goes through.
  if (reply.code.value_or(0) == 409) {
    const auto data = reply.data.parse();
    const auto reason = data.is_object() ? data.find("reason") : data.end();
    if (reason != data.end() && *reason == "before_window")
      reply = co_await exchange_attempt(std::move(request), timeout);
  }
  co_return reply;
}

asio::awaitable<Message> ClientCore::exchange_attempt(Message request, milliseconds timeout) {
  if (closing_) throw ClientError(ErrorKind::closed, "the client is closed");
  prepare(request);
  auto frame = std::make_shared<const std::string>(encode(request));
  if (http_) {
    const auto http = http_;  // a failover may replace it meanwhile
    const auto answer = co_await http->post(*frame, timeout);
    auto reply = codec_.decode(answer.body, message::unix_now() + std::llround(clock_offset_));
    if (!reply) {
      const auto& error = reply.error();
      throw ClientError(
          error.kind == message::ErrorKind::bad_mac ? ErrorKind::wrong_key : ErrorKind::refused,
          "the gateway answered HTTP " + std::to_string(answer.status) +
              " with a token that does not decrypt with our key: " + error.text +
              (answer.status == 400 ? " (it could not read ours either: the keys "
                                      "differ)"
                                    : ""));
    }
    last_heard_ = Clock::now();
    co_return std::move(*reply);
  }
  if (!link_) throw ClientError(ErrorKind::closed, "not connected");
  auto pending = std::make_shared<PendingReply>(io_);
  pending_[request.id] = pending;
  if (!link_->write(frame)) {
    pending_.erase(request.id);
    throw ClientError(ErrorKind::closed, "the send queue is full: the gateway takes nothing");
  }
  pending->timer.expires_after(timeout);
  co_await pending->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  pending_.erase(request.id);
  if (pending->reply) co_return std::move(*pending->reply);
  if (pending->error) throw *pending->error;
  if (last_unreadable_)
    throw ClientError(ErrorKind::wrong_key, "the gateway's messages do not decrypt with our key: " +
                                                last_unreadable_->text);
  throw ClientError(ErrorKind::timeout,
                    "no reply to '" + request.cmd + "' from " + current_.to_string() + " within " +
                        std::to_string(timeout.count()) + " ms" + silence_hint());
}

void ClientCore::learn_cluster(const nlohmann::json& nodes) {
  if (!nodes.is_array() || nodes.empty()) return;
  const auto port_name = std::string(to_string(current_.scheme));
  std::vector<GatewayUrl> gateways;
  for (const auto& node : nodes) {
    if (!node.is_object()) continue;
    const auto endpoints = node.value("endpoints", nlohmann::json::object());
    const auto port = endpoints.find(port_name);
    if (port == endpoints.end() || !port->is_number_unsigned()) continue;  // not on this transport
    auto url = current_;
    // A gateway that says where it is reached; else the host this client reached the first at.
    if (const auto host = node.value("host", std::string()); !host.empty()) url.host = host;
    url.port = port->get<std::uint16_t>();
    gateways.push_back(std::move(url));
  }
  cluster_ = std::move(gateways);
}

bool ClientCore::fail_over() {
  if (cluster_.size() < 2) return false;
  // The one after the current in the list; the list came from the gateway connected to, itself
  // first.
  std::size_t at = 0;
  for (std::size_t i = 0; i < cluster_.size(); ++i)
    if (cluster_[i].host == current_.host && cluster_[i].port == current_.port) at = i;
  current_ = cluster_[(at + 1) % cluster_.size()];
  if (http_) {
    http_->close();
    http_ = make_http_exchanger(io_, current_, tls_);
  }
  set_state(ConnectionState::reconnecting,
            "moving to " + current_.to_string() + ", another gateway of the cluster");
  return true;
}

void ClientCore::prepare(Message& request) {
  if (request.id.empty()) request.id = id_prefix_ + "-" + std::to_string(next_id_++);
  if (request.user_id.empty()) request.user_id = options_.name;
  // Only HTTP and UDP sessions have a token; a connection is its own session.
  if (request.token.empty()) request.token = session_token_;
}

std::string ClientCore::encode(const Message& message) const {
  auto json = message.to_json();
  if (!json)
    throw std::invalid_argument("gw::client: cannot send the message: " + json.error().text);
  return keys_.encrypt(*json, message::unix_now() + std::llround(clock_offset_));
}

asio::awaitable<void> ClientCore::read_loop(std::shared_ptr<Link> link) {
  try {
    bool greeting = link->greeted();
    for (;;)
      on_frame(co_await link->read(), std::exchange(greeting, false));
  } catch (const ClientError& error) {
    if (closing_ || link != link_) co_return;  // closed by us, or replaced by a new link
    fail_pending(ErrorKind::closed, error.what());
    if (link->connected_transport() && !reconnecting_ && state() == ConnectionState::connected) {
      reconnecting_ = true;
      set_state(ConnectionState::reconnecting, error.what());
      spawn(&ClientCore::reconnect_loop);
    }
  }
}

asio::awaitable<void> ClientCore::reconnect_loop() {
  // In a cluster each round tries every gateway in turn, at once; the wait grows between rounds.
  std::size_t tried_this_round = 0;
  for (unsigned round = 0; !closing_;) {
    if (tried_this_round == 0) co_await pause(retry_timer_, backoff(round++));
    if (closing_) break;
    try {
      co_await open();
      break;
    } catch (const ClientError& error) {
      set_state(ConnectionState::reconnecting, error.what());
    }
    const bool moved = fail_over();
    if (!moved || ++tried_this_round >= cluster_.size()) tried_this_round = 0;
  }
  reconnecting_ = false;
}

asio::awaitable<void> ClientCore::keepalive_loop() {
  while (!closing_) {
    co_await pause(keepalive_timer_, options_.keepalive);
    if (closing_ || reconnecting_) continue;
    // An HTTP or UDP session outlives a gateway's restart (its store keeps it) but its services
    // do not, and no connection ends to say so: provided again now and then, which is harmless
    // to a gateway that still knows them.
    if (!(link_ && link_->connected_transport()) && !services_.empty()) {
      try {
        co_await restore_services();
      } catch (const ClientError&) {
        // Not answering: the ping below says so.
      }
    }
    if (Clock::now() - last_heard_ < options_.keepalive) continue;
    Message ping;
    ping.cmd = "ping";
    try {
      co_await exchange(ping, options_.timeout);
      if (state() != ConnectionState::connected)
        set_state(ConnectionState::connected, "the gateway answers again");
    } catch (const ClientError& error) {
      if (closing_) break;
      // A connection that cannot carry a ping is dead: closing it starts the reconnection.
      if (link_ && link_->connected_transport())
        link_->close();
      else
        set_state(ConnectionState::reconnecting, error.what());
    }
  }
}

asio::awaitable<void> ClientCore::poll_loop() {
  const auto hold = std::chrono::duration_cast<milliseconds>(options_.poll_wait);
  for (unsigned failures = 0; !closing_;) {
    co_await wait_for_renewal();  // whose session's numbers `acknowledged_` then holds
    Message poll;
    poll.cmd = "poll";
    // At least once: what a poll returns stays until the next poll acknowledges it, so a reply
    // lost on its way is sent again.
    poll.args = "wait=" + std::to_string(options_.poll_wait.count()) +
                " ack=" + std::to_string(acknowledged_);
    std::optional<std::string> failure;
    const auto http_used = http_;
    try {
      const auto token_used = session_token_;
      const auto reply = co_await exchange_once(poll, hold + options_.timeout);
      failures = 0;
      // Not exchange(): its retry would send this poll's acknowledgement, a number of the old
      // session, to the new one, and so forget the new session's first messages unread.
      if (reply.code.value_or(0) == 401 && !token_used.empty()) {
        co_await renew_session(token_used);
        continue;
      }
      if (reply.code.value_or(0) == 400 && acknowledged_ != 0) {
        acknowledged_ = 0;  // a new session meanwhile, whose numbers start again
        continue;
      }
      if (reply.code.value_or(0) != 200) {
        // 409: a cluster's gateway that holds the session is not yet taken for gone; soon.
        co_await pause(retry_timer_, reply.code.value_or(0) == 409 ? options_.reconnect_first
                                                                   : options_.reconnect_last);
        continue;
      }
      if (state() != ConnectionState::connected)
        set_state(ConnectionState::connected, "the gateway answers again");
      const auto data = reply.data.parse();
      for (const auto& item : data.value("messages", nlohmann::json::array())) {
        auto message = Message::from_json(item.dump());
        if (message) deliver(*message);
      }
      if (const auto last = data.find("last_seq"); last != data.end() && last->is_number_unsigned())
        acknowledged_ = last->get<std::uint64_t>();
    } catch (const ClientError& error) {
      failure = error.what();
    }
    if (!failure || closing_ || http_ != http_used) continue;  // or a request moved already
    set_state(ConnectionState::reconnecting, *failure);
    if (fail_over()) {  // in a cluster: at once to another gateway, with the same session
      co_await pause(retry_timer_, options_.reconnect_first);
      continue;
    }
    co_await pause(retry_timer_, backoff(failures++));
  }
}

asio::awaitable<void> ClientCore::pause(asio::steady_timer& timer, milliseconds delay) {
  timer.expires_after(delay);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

void ClientCore::on_frame(std::string_view token, bool greeting) {
  auto message = codec_.decode(token, message::unix_now() + std::llround(clock_offset_));
  // The gateway greets a WebSocket before it knows who connected: under its shared key, which a
  // device's own key does not read. The replies that follow are under ours.
  if (!message && greeting) return;
  if (!message) {
    last_unreadable_ = message.error();
    if (message.error().kind == message::ErrorKind::bad_mac)
      fail_pending(ErrorKind::wrong_key,
                   "the gateway's messages do not decrypt with our key: " + message.error().text);
    return;
  }
  last_heard_ = Clock::now();
  if (!message->id.empty() && message->code) {
    const auto found = pending_.find(message->id);
    if (found != pending_.end()) {
      found->second->reply = std::move(*message);
      found->second->timer.cancel();
      return;
    }
  }
  deliver(*message);
}

void ClientCore::deliver(const Message& message) {
  if (message.cmd == "welcome") return;
  if (services_.answer(message, [this](Message reply) { send(std::move(reply)); })) return;
  const auto call = [&](const MessageHandler& handler) {
    try {
      handler(message);
    } catch (const std::exception& error) {
      std::cerr << "gw::client: a message handler threw: " << error.what() << '\n';
    }
  };
  if (!message.topic.empty())
    for (auto& [filter, subscription] : subscriptions_) {
      if (!message::topic::matches(filter, message.topic)) continue;
      subscription.offset = std::max(subscription.offset, message.offset);
      call(subscription.handler);
    }
  for (const auto& handler : message_handlers_)
    call(handler);
}

void ClientCore::fail_pending(ErrorKind kind, const std::string& why) {
  for (auto& [id, pending] : pending_) {
    if (pending->reply || pending->error) continue;
    pending->error.emplace(kind, why);
    pending->timer.cancel();
  }
}

void ClientCore::set_state(ConnectionState state, const std::string& why) {
  if (closing_ && state != ConnectionState::closed) return;
  {
    std::lock_guard lock(info_mutex_);
    if (state_ == state && state == ConnectionState::connected) return;
    state_ = state;
  }
  if (state_handler_) state_handler_(state, why);
}

milliseconds ClientCore::backoff(unsigned attempt) {
  static thread_local std::mt19937 random{std::random_device{}()};
  const auto first = options_.reconnect_first.count();
  const auto last = options_.reconnect_last.count();
  const auto full = std::min<long long>(last, first << std::min(attempt, 20u));
  std::uniform_int_distribution<long long> cut(0, full / 2);
  return milliseconds(full - cut(random));
}

std::string ClientCore::silence_hint() const {
  return url_.scheme == Scheme::udp
             ? " (nothing is there, or a gateway that cannot read our key stays silent)"
             : "";
}

}  // namespace gw::client
