#include "mqtt_client.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace gw::mqtt {

namespace {

// The library is initialised once for the process and never cleaned up: other bridges may
// still use it, and the process ends soon after the last one.
void initialise_library() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

void check(int code, const char* what) {
  if (code != MOSQ_ERR_SUCCESS)
    throw std::runtime_error(std::string(what) + ": " + mosquitto_strerror(code));
}

MqttClient* self_of(void* self) {
  return static_cast<MqttClient*>(self);
}

}  // namespace

MqttClient::MqttClient(Options options, Callbacks callbacks)
    : options_(std::move(options)), callbacks_(std::move(callbacks)) {
  initialise_library();
  handle_ = mosquitto_new(options_.client_id.c_str(), true, this);
  if (!handle_) throw std::runtime_error("cannot create an MQTT client: out of memory");
  mosquitto_int_option(handle_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  if (!options_.username.empty())
    check(
        mosquitto_username_pw_set(handle_, options_.username.c_str(),
                                  options_.password.empty() ? nullptr : options_.password.c_str()),
        "username");
  if (options_.tls) {
    if (options_.ca_file.empty()) mosquitto_int_option(handle_, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
    check(mosquitto_tls_set(handle_, options_.ca_file.empty() ? nullptr : options_.ca_file.c_str(),
                            nullptr, nullptr, nullptr, nullptr),
          ("TLS with CA file " + options_.ca_file.string()).c_str());
  }
  mosquitto_reconnect_delay_set(handle_, static_cast<unsigned>(options_.retry_min.count()),
                                static_cast<unsigned>(options_.retry_max.count()), true);
  mosquitto_connect_v5_callback_set(handle_, &MqttClient::on_connect);
  mosquitto_disconnect_v5_callback_set(handle_, &MqttClient::on_disconnect);
  mosquitto_message_v5_callback_set(handle_, &MqttClient::on_message);
  mosquitto_publish_v5_callback_set(handle_, &MqttClient::on_publish);
  mosquitto_log_callback_set(handle_, &MqttClient::on_log);
}

MqttClient::~MqttClient() {
  stop();
  mosquitto_destroy(handle_);
}

void MqttClient::start() {
  if (thread_.joinable()) return;
  mosquitto_threaded_set(handle_, true);  // publish() comes from another thread
  thread_ = std::thread([this] { run(); });
}

void MqttClient::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_requested_.notify_all();
  mosquitto_disconnect(handle_);
  thread_.join();
}

bool MqttClient::pause(std::chrono::seconds delay) {
  std::unique_lock lock(mutex_);
  return !stop_requested_.wait_for(lock, delay, [this] { return stopping_; });
}

void MqttClient::run() {
  const auto stopped = [this] {
    std::lock_guard lock(mutex_);
    return stopping_;
  };
  auto delay = options_.retry_min;
  bool first = true;
  while (!stopped()) {
    connected_once_ = false;
    // Without blocking: a broker that does not answer at all would otherwise hold this thread
    // (and a stop) for the system's connect timeout. The library gives up on a connection that
    // has no CONNACK within the keep-alive.
    const int code = first ? mosquitto_connect_async(handle_, options_.host.c_str(), options_.port,
                                                     static_cast<int>(options_.keepalive.count()))
                           : mosquitto_reconnect_async(handle_);
    int failed = code;
    if (code == MOSQ_ERR_SUCCESS) {
      first = false;
      while (failed == MOSQ_ERR_SUCCESS && !stopped())
        failed = mosquitto_loop(handle_, 100, 1);
      if (stopped()) break;
    }
    // Not even connected (a TLS handshake may fail only once the loop runs): say why. A lost
    // connection was told by the library's own callback.
    if (!connected_once_) {
      std::string why =
          failed == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(failed);
      if (auto detail = last_error(); !detail.empty()) why += " (" + detail + ")";
      callbacks_.disconnected("cannot connect to " + options_.host + ":" +
                              std::to_string(options_.port) + ": " + why);
    }
    if (connected_once_) delay = options_.retry_min;  // it was up: start the delays over
    if (!pause(delay)) break;
    delay = std::min(delay * 2, options_.retry_max);
  }
  // What the broker is sent on the way out (DISCONNECT) goes now.
  mosquitto_loop(handle_, 100, 1);
}

int MqttClient::publish(const std::string& topic, std::string_view payload, int qos, bool retain) {
  int mid = 0;
  const int code =
      mosquitto_publish_v5(handle_, &mid, topic.c_str(), static_cast<int>(payload.size()),
                           payload.data(), qos, retain, nullptr);
  return code == MOSQ_ERR_SUCCESS ? mid : -code;
}

int MqttClient::no_connection() noexcept {
  return -MOSQ_ERR_NO_CONN;
}

void MqttClient::subscribe(const std::vector<std::string>& filters, int qos) {
  for (const auto& filter : filters)
    (void)mosquitto_subscribe_v5(handle_, nullptr, filter.c_str(), qos,
                                 MQTT_SUB_OPT_NO_LOCAL | MQTT_SUB_OPT_RETAIN_AS_PUBLISHED, nullptr);
}

void MqttClient::on_connect(mosquitto*, void* self, int reason, int, const mosquitto_property*) {
  if (reason == 0) self_of(self)->connected_once_ = true;
  const char* text = reason == 0 ? "" : mosquitto_reason_string(reason);
  self_of(self)->callbacks_.connected(reason, text ? text : "");
}

void MqttClient::on_disconnect(mosquitto*, void* self, int reason, const mosquitto_property*) {
  // A connection that never was says why in run(), once.
  if (!self_of(self)->connected_once_) return;
  // 0: asked to; otherwise the library's error (the connection was lost, or the broker closed it).
  std::string text;
  if (reason != 0) {
    const char* words = reason < 128 ? mosquitto_strerror(reason) : mosquitto_reason_string(reason);
    text = std::string("lost the connection: ") + (words ? words : "closed");
  }
  self_of(self)->callbacks_.disconnected(std::move(text));
}

void MqttClient::on_message(mosquitto*, void* self, const mosquitto_message* message,
                            const mosquitto_property*) {
  self_of(self)->callbacks_.message(message->topic,
                                    std::string_view(static_cast<const char*>(message->payload),
                                                     static_cast<std::size_t>(message->payloadlen)),
                                    message->retain);
}

void MqttClient::on_log(mosquitto*, void* self, int level, const char* text) {
  // The library says what went wrong in a TLS handshake only here (OpenSSL's error).
  if (level != MOSQ_LOG_ERR || !text) return;
  auto* client = self_of(self);
  std::lock_guard lock(client->mutex_);
  client->last_error_ = text;
}

std::string MqttClient::last_error() {
  std::lock_guard lock(mutex_);
  return std::exchange(last_error_, {});
}

void MqttClient::on_publish(mosquitto*, void* self, int mid, int, const mosquitto_property*) {
  self_of(self)->callbacks_.published(mid);
}

}  // namespace gw::mqtt
