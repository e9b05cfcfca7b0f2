#include "mqtt_bridge.hpp"

#include <future>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <gw/gateway/gateway.hpp>
#include <gw/message/unix_time.hpp>

namespace gw::mqtt {

namespace asio = boost::asio;
using message::Message;

struct MqttBridge::Strand {
  explicit Strand(asio::io_context& io) : strand(asio::make_strand(io)) {}
  asio::strand<asio::io_context::executor_type> strand;
};

namespace {

// How long the gateway's threads are given to end the bridge's client when another gateway
// takes the bridge over.
constexpr auto leave_wait = std::chrono::seconds(2);

transports::Frame frame_of(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}
}  // namespace

MqttBridge::MqttBridge(gateway::MqttBridgeSpec spec, Parts parts)
    : spec_(std::move(spec)),
      parts_(std::move(parts)),
      strand_(std::make_unique<Strand>(parts_.io)),
      queue_(spec_.queue),
      pace_(std::chrono::steady_clock::now()) {
  client_ = std::make_unique<MqttClient>(
      MqttClient::Options{.host = spec_.host,
                          .port = spec_.port,
                          .client_id = parts_.client_id,
                          .username = spec_.username,
                          .password = parts_.password,
                          .tls = spec_.tls,
                          .ca_file = spec_.ca_file,
                          .keepalive = spec_.keepalive,
                          .retry_min = spec_.retry_min,
                          .retry_max = spec_.retry_max},
      MqttClient::Callbacks{
          .connected = [this](int reason, std::string text) { connected(reason, text); },
          .disconnected = [this](std::string text) { disconnected(text); },
          .message = [this](std::string_view topic, std::string_view payload,
                            bool retain) { arrived(topic, payload, retain); },
          .published = [this](int mid) { published(mid); }});
}

MqttBridge::~MqttBridge() {
  stop(std::chrono::milliseconds(0));
}

void MqttBridge::start() {
  open_session();
  exporter_ = std::thread([this] { export_loop(); });
  client_->start();
  spdlog::info(
      "mqtt bridge '{}': connecting to {} as '{}' (export {}, import {}, payload {}, "
      "qos {})",
      spec_.name, spec_.broker, parts_.client_id, nlohmann::json(spec_.exports).dump(),
      nlohmann::json(spec_.imports).dump(), gateway::MqttBridgeSpec::name_of(spec_.payload),
      spec_.qos);
}

void MqttBridge::stop(std::chrono::milliseconds flush) {
  if (stop_called_.exchange(true)) return;
  // The export thread goes on meanwhile, handing what waits to the broker.
  const auto until = std::chrono::steady_clock::now() + flush;
  const auto waiting = [this] {
    if (queue_.size() > 0) return true;  // not under in_flight_mutex_: the queue's lock comes first
    std::lock_guard lock(in_flight_mutex_);
    return !in_flight_.empty();
  };
  while (connected_ && waiting() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  {
    std::lock_guard lock(room_mutex_);  // a waiting import sees it
    stopping_ = true;
  }
  room_.notify_all();
  queue_.close();
  if (exporter_.joinable()) exporter_.join();
  client_->stop();
}

bool MqttBridge::leave_gateway() {
  auto left = std::make_shared<std::promise<void>>();
  auto done = left->get_future();
  auto session = session_.load();
  if (session) session->detach();
  // The strand runs in order: once this has run, so has everything posted before it.
  asio::post(strand_->strand, [&gateway = parts_.gateway, session, left] {
    if (session) gateway.handler().on_close(*session, transports::Handler::Ending::goodbye);
    left->set_value();
  });
  return done.wait_for(leave_wait) == std::future_status::ready;
}

// The gateway's side ---------------------------------------------------------------------------

void MqttBridge::open_session() {
  auto session = std::make_shared<BridgeSession>(
      spec_.broker,
      BridgeSession::Sink{
          .delivered = [this](transports::Frame frame) { delivered(frame); },
          .replied = [this](transports::Frame frame, int status) { replied(frame, status); },
          .closed =
              [this] {
                // An admin kicked the bridge's client: it goes, and the bridge joins again.
                log_trouble("the gateway closed the bridge's session (kicked?); it joins again");
                auto gone = session_.load();
                asio::post(strand_->strand, [this, gone] {
                  parts_.gateway.handler().on_close(*gone, transports::Handler::Ending::lost);
                  if (!stopping_) open_session();
                });
              }});
  session_ = session;
  asio::post(strand_->strand, [this, session] { parts_.gateway.handler().on_open(session); });
  const auto identity = this->identity();
  if (!identity) {
    // Its device was removed: under no key at all (never the shared key instead), nothing
    // crosses until it is back and the gateway restarts.
    const auto problem = "device '" + spec_.device +
                         "' is no longer in the devices file: nothing crosses the bridge";
    spdlog::error("mqtt bridge '{}': {}", spec_.name, problem);
    std::lock_guard lock(state_mutex_);
    gateway_problem_ = problem;
    return;
  }
  for (const auto& filter : spec_.exports) {
    Message subscribe;
    subscribe.cmd = "subscribe";
    subscribe.topic = filter;
    subscribe.user_id = spec_.name;
    const auto codec = parts_.gateway.codec().current();
    auto token = codec->encode(subscribe, gateway::key_for(identity.get(), *codec));
    if (!token) {
      set_state("refused", "cannot subscribe to " + filter + ": " + token.error().text, true);
      continue;
    }
    asio::post(strand_->strand, [this, session, frame = frame_of(std::move(*token))] {
      parts_.gateway.handler().on_frame(session, *frame);
    });
  }
}

std::shared_ptr<const gateway::Identity> MqttBridge::identity() const {
  const auto identities = parts_.gateway.identities().current();
  return spec_.device.empty() ? identities->shared() : identities->device(spec_.device);
}

std::optional<Message> MqttBridge::read(std::string_view token, Age age) const {
  const auto codec = parts_.gateway.codec().current();
  const auto identity = this->identity();
  if (!identity) return std::nullopt;
  auto parsed = codec->parse(token);
  if (!parsed) return std::nullopt;
  // What the gateway made may have waited for the broker longer than tokens live.
  const auto now = age == Age::any ? static_cast<message::UnixSeconds>(parsed->timestamp())
                                   : message::unix_now();
  auto opened =
      identity->device() ? codec->open(*parsed, *identity->key, now) : codec->open(*parsed, now);
  return opened ? std::optional(std::move(opened->message)) : std::nullopt;
}

void MqttBridge::delivered(const transports::Frame& frame) {
  queue_.push(frame);
}

void MqttBridge::replied(const transports::Frame& frame, int status) {
  if (status < 300) return;
  const auto answer = read(*frame, Age::current);
  const auto text = answer ? answer->text : "(an answer the bridge cannot read)";
  if (answer && answer->cmd == "subscribe") {
    // The bridge's key may not subscribe there: nothing of it is exported, until a restart.
    spdlog::error("mqtt bridge '{}': cannot export: {}", spec_.name, text);
    std::lock_guard lock(state_mutex_);
    gateway_problem_ = "cannot export: " + text;
    return;
  }
  ++import_refused_;
  log_trouble("the gateway refused an imported message (" + std::to_string(status) + "): " + text);
}

void MqttBridge::post_frame(transports::Frame frame) {
  {
    std::lock_guard lock(room_mutex_);
    ++posted_;
  }
  asio::post(strand_->strand, [this, session = session_.load(), frame = std::move(frame)] {
    parts_.gateway.handler().on_frame(session, *frame);
    {
      std::lock_guard lock(room_mutex_);
      --posted_;
    }
    room_.notify_one();
  });
}

// The broker's side ----------------------------------------------------------------------------

void MqttBridge::connected(int reason, const std::string& text) {
  if (reason != 0) {
    connected_ = false;
    set_state("refused",
              "the broker refused the connection: " + text + " (reason " + std::to_string(reason) +
                  ")" +
                  (reason == 134 || reason == 135 || reason == 4 || reason == 5
                       ? "; check username and password_file"
                       : ""),
              true);
    return;
  }
  ++connects_;
  {
    std::lock_guard lock(in_flight_mutex_);
    // What the last connection left unacknowledged is the library's to send again or not:
    // the window starts over, so that it can never stay full.
    in_flight_.clear();
  }
  if (!spec_.imports.empty()) client_->subscribe(spec_.imports, spec_.qos);
  connected_ = true;
  set_state("connected", "", false);
  queue_.wake();
}

void MqttBridge::disconnected(const std::string& text) {
  connected_ = false;
  if (stopping_) return;
  std::string state;
  {
    std::lock_guard lock(state_mutex_);
    state = state_;
  }
  // A refusal stays the reason until the broker says otherwise.
  if (state == "refused") return;
  set_state("disconnected",
            (text.empty() ? "the broker closed the connection" : text) + "; trying again", true);
}

bool MqttBridge::wait_for_room() {
  std::unique_lock lock(room_mutex_);
  room_.wait(lock, [this] { return stopping_ || posted_ < max_posted; });
  lock.unlock();
  const gateway::Rate rate{spec_.rate, std::max(1.0, spec_.rate / 10)};
  while (!stopping_ && !pace_.take(rate, std::chrono::steady_clock::now()))
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return !stopping_;
}

void MqttBridge::arrived(std::string_view topic, std::string_view payload, bool retain) {
  if (!wait_for_room()) return;
  auto frame = import_token(topic, payload, retain);
  if (!frame) return;
  ++imported_;
  post_frame(std::move(frame));
}

transports::Frame MqttBridge::import_token(std::string_view topic, std::string_view payload,
                                           bool retain) {
  const auto skip = [&](const std::string& why) {
    ++import_skipped_;
    log_trouble("skipped a message from the broker on '" + std::string(topic) + "': " + why);
    return transports::Frame();
  };
  if (spec_.payload == Payload::fernet) {
    const auto carried = read(payload, Age::current);
    if (!carried) return skip("the payload is not a token under the bridge's key, or has expired");
    if (auto problem = fernet_import_problem(*carried, topic)) return skip(*problem);
    return frame_of(std::string(payload));
  }
  auto mapped = from_broker(topic, payload, retain, spec_.name);
  if (const auto* skipped = std::get_if<Skipped>(&mapped)) return skip(skipped->why);
  const auto identity = this->identity();
  if (!identity) return skip("the bridge's device '" + spec_.device + "' is no longer a device");
  const auto codec = parts_.gateway.codec().current();
  auto token = codec->encode(std::get<Message>(mapped), gateway::key_for(identity.get(), *codec));
  if (!token) return skip(token.error().text);
  return frame_of(std::move(*token));
}

void MqttBridge::published(int mid) {
  {
    std::lock_guard lock(in_flight_mutex_);
    in_flight_.erase(mid);
  }
  ++exported_;
  queue_.wake();
}

void MqttBridge::export_loop() {
  const auto ready = [this] {
    if (!connected_) return false;
    std::lock_guard lock(in_flight_mutex_);
    return in_flight_.size() < window;
  };
  while (!stopping_) {
    auto frame = queue_.take(std::chrono::milliseconds(200), ready);
    if (!frame) continue;
    const auto message = read(**frame, Age::any);
    if (!message) continue;  // not under its key any more: the device's key changed meanwhile
    auto out = to_broker(*message, **frame, spec_.payload);
    if (const auto* not_exported = std::get_if<NotExported>(&out)) {
      if (*not_exported == NotExported::came_from_a_bridge) ++echoes_skipped_;
      continue;
    }
    const auto& publication = std::get<ToBroker>(out);
    std::unique_lock lock(in_flight_mutex_);  // before published() can hear of it
    const int mid =
        client_->publish(publication.topic, publication.payload, spec_.qos, publication.retain);
    if (mid == MqttClient::no_connection()) {
      lock.unlock();
      connected_ = false;
      queue_.put_back(std::move(*frame));
      continue;
    }
    if (mid < 0) {
      ++export_skipped_;
      log_trouble("the broker cannot take a message on '" + publication.topic +
                  "' (libmosquitto error " + std::to_string(-mid) + ")");
      continue;
    }
    in_flight_.insert(mid);
  }
}

// What it reports --------------------------------------------------------------------------------

void MqttBridge::set_state(std::string state, std::string problem, bool error) {
  std::lock_guard lock(state_mutex_);
  const bool changed = state != state_ || problem != problem_;
  state_ = std::move(state);
  problem_ = std::move(problem);
  if (!changed) return;
  if (!error)
    spdlog::info("mqtt bridge '{}': {} to {}", spec_.name, state_, spec_.broker);
  else
    spdlog::error("mqtt bridge '{}' ({}): {}", spec_.name, spec_.broker, problem_);
}

void MqttBridge::log_trouble(const std::string& text) {
  const auto now = std::chrono::steady_clock::now();
  std::uint64_t unlogged = 0;
  {
    std::lock_guard lock(state_mutex_);
    if (now - last_log_ < std::chrono::seconds(10)) {
      ++unlogged_;
      return;
    }
    last_log_ = now;
    unlogged = std::exchange(unlogged_, 0);
  }
  spdlog::warn("mqtt bridge '{}': {}{}", spec_.name, text,
               unlogged ? " (and " + std::to_string(unlogged) + " more not logged)" : "");
}

std::string MqttBridge::problem() const {
  std::lock_guard lock(state_mutex_);
  if (problem_.empty()) return gateway_problem_;
  return gateway_problem_.empty() ? problem_ : problem_ + "; " + gateway_problem_;
}

MqttBridge::Counts MqttBridge::counts() const {
  return {.exported = exported_,
          .imported = imported_,
          .export_dropped = queue_.dropped(),
          .export_skipped = export_skipped_,
          .import_skipped = import_skipped_,
          .import_refused = import_refused_,
          .echoes_skipped = echoes_skipped_,
          .connects = connects_,
          .export_queue = queue_.size(),
          .connected = connected_};
}

std::string MqttBridge::state() const {
  std::lock_guard lock(state_mutex_);
  return state_;
}

}  // namespace gw::mqtt
