#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

struct mosquitto;
struct mosquitto_message;
struct mqtt5__property;  // libmosquitto's mosquitto_property

namespace gw::mqtt {

// One MQTT 5 connection to a broker through libmosquitto, on a thread of its own, which
// connects, runs the library's loop, and connects again after a failure or a loss with a
// doubling delay. (The library's own loop thread gives up when the first connection fails.)
// Its callbacks run on that thread, never on the gateway's. Publishing is thread-safe.
class MqttClient {
 public:
  struct Options {
    std::string host;
    std::uint16_t port = 1883;
    std::string client_id;
    std::string username;  // empty: none
    std::string password;
    bool tls = false;
    std::filesystem::path ca_file;  // TLS: empty: the system's CAs
    std::chrono::seconds keepalive{30};
    std::chrono::seconds retry_min{1};
    std::chrono::seconds retry_max{30};
  };
  struct Callbacks {
    // Connected (`reason` 0) or refused by the broker (its reason code, and the words for it).
    std::function<void(int reason, std::string text)> connected;
    // The connection ended, or could not be made; `text` says why (empty when it was asked to).
    std::function<void(std::string text)> disconnected;
    std::function<void(std::string_view topic, std::string_view payload, bool retain)> message;
    // The broker has a publication (QoS 1: acknowledged it; QoS 0: it was written).
    std::function<void(int mid)> published;
  };

  // Throws std::runtime_error when the library refuses the options (a CA file it cannot read).
  MqttClient(Options options, Callbacks callbacks);
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  // Starts connecting, on the client's thread; retries while the broker is away.
  void start();
  // Disconnects and joins the thread.
  void stop();

  // Returns the message id, or a negative libmosquitto error (not connected: -MOSQ_ERR_NO_CONN).
  int publish(const std::string& topic, std::string_view payload, int qos, bool retain);
  // With MQTT 5's no-local (the broker does not send back what this connection published) and
  // retain-as-published (a retained message stays marked so).
  void subscribe(const std::vector<std::string>& filters, int qos);

  static int no_connection() noexcept;  // publish's answer while disconnected

 private:
  static void on_connect(mosquitto*, void* self, int reason, int flags,
                         const mqtt5__property* properties);
  static void on_disconnect(mosquitto*, void* self, int reason, const mqtt5__property* properties);
  static void on_message(mosquitto*, void* self, const mosquitto_message* message,
                         const mqtt5__property* properties);
  static void on_publish(mosquitto*, void* self, int mid, int reason,
                         const mqtt5__property* properties);
  static void on_log(mosquitto*, void* self, int level, const char* text);
  void run();
  // The library's last error line since asked (under mutex_), taken.
  std::string last_error();
  // Sleeps up to `delay`; false when stopped meanwhile.
  bool pause(std::chrono::seconds delay);

  Options options_;
  Callbacks callbacks_;
  mosquitto* handle_ = nullptr;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;                    // under mutex_
  std::string last_error_;                   // under mutex_
  std::atomic<bool> connected_once_{false};  // since the last attempt: the delay starts over
};

}  // namespace gw::mqtt
