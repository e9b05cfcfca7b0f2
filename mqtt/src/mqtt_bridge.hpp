#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <gw/gateway/mqtt_bridge_spec.hpp>
#include <gw/gateway/token_bucket.hpp>
#include <gw/message/message.hpp>
#include <gw/transports/session.hpp>

#include "bridge_session.hpp"
#include "broker_mapping.hpp"
#include "export_queue.hpp"
#include "mqtt_client.hpp"

namespace boost::asio {
class io_context;
}

namespace gw::gateway {
class Gateway;
class Identity;
}  // namespace gw::gateway

namespace gw::mqtt {

// One [[mqtt]] bridge: a client of the gateway (a BridgeSession) subscribed to the export
// filters, and a client of the broker (an MqttClient) subscribed to the import filters.
//
// Threads: the broker's messages arrive on the MqttClient's thread, are made tokens there and
// posted to the gateway's network threads (on one strand, so that they keep their order), at
// most `max_posted` at a time and `rate` a second: past either, the bridge reads the broker
// more slowly rather than crowd out gw's clients. Deliveries to the bridge's client arrive on
// the gateway's threads, are read there and queued (ExportQueue); the bridge's export thread
// hands them to the broker while it is connected, at most `window` unacknowledged at a time.
class MqttBridge {
 public:
  struct Parts {
    gateway::Gateway& gateway;
    boost::asio::io_context& io;
    std::string client_id;  // as the spec's, or the default made for it
    std::string password;   // read from the spec's password file
  };
  MqttBridge(gateway::MqttBridgeSpec spec, Parts parts);
  ~MqttBridge();
  MqttBridge(const MqttBridge&) = delete;
  MqttBridge& operator=(const MqttBridge&) = delete;

  void start();
  // Hands what waits to the broker for up to `flush` (while connected), then disconnects.
  void stop(std::chrono::milliseconds flush);
  // After stop, while the gateway serves on (another gateway of the cluster takes the bridge
  // over): ends the bridge's client of the gateway, and waits until nothing the bridge posted
  // to the gateway's threads is left. False when that did not happen within a few seconds: the
  // bridge must then be kept until the gateway's threads have stopped.
  bool leave_gateway();

  const gateway::MqttBridgeSpec& spec() const noexcept { return spec_; }
  // connecting, connected, disconnected or refused.
  std::string state() const;
  // Why it is not connected; empty when it is.
  std::string problem() const;

  struct Counts {
    std::uint64_t exported, imported, export_dropped, export_skipped, import_skipped,
        import_refused, echoes_skipped, connects;
    std::size_t export_queue;
    bool connected;
  };
  Counts counts() const;

  static constexpr std::size_t max_posted = 256;
  static constexpr std::size_t window = 256;

 private:
  struct Strand;
  // The gateway's side.
  void open_session();
  void post_frame(transports::Frame frame);
  void delivered(const transports::Frame& frame);
  void replied(const transports::Frame& frame, int status);
  // The broker's side, on the MqttClient's thread.
  void connected(int reason, const std::string& text);
  void disconnected(const std::string& text);
  void arrived(std::string_view topic, std::string_view payload, bool retain);
  void published(int mid);
  // What the broker's message becomes in gw: a token, or nothing (counted and logged).
  transports::Frame import_token(std::string_view topic, std::string_view payload, bool retain);
  // Waits until the gateway has room and the rate allows another; false when stopping.
  bool wait_for_room();
  void export_loop();
  // The identity the bridge speaks as, and its key; null when its device is gone.
  std::shared_ptr<const gateway::Identity> identity() const;
  // A token under the bridge's key: one from the broker must be within the gateway's ttl
  // (current); one the gateway made may be of any age.
  enum class Age { current, any };
  std::optional<message::Message> read(std::string_view token, Age age) const;
  void set_state(std::string state, std::string problem, bool error);
  // Logs at most one line per kind of trouble every 10 s, with how many were not logged.
  void log_trouble(const std::string& text);

  const gateway::MqttBridgeSpec spec_;
  Parts parts_;
  std::unique_ptr<Strand> strand_;
  std::atomic<std::shared_ptr<BridgeSession>> session_;  // another after a kick
  std::unique_ptr<MqttClient> client_;
  ExportQueue queue_;
  std::thread exporter_;

  std::atomic<bool> stop_called_{false};
  std::atomic<bool> stopping_{false};  // set under room_mutex_
  std::atomic<bool> connected_{false};
  std::mutex room_mutex_;
  std::condition_variable room_;
  std::size_t posted_ = 0;      // under room_mutex_
  gateway::TokenBucket pace_;   // on the MqttClient's thread only
  std::mutex in_flight_mutex_;  // taken after the queue's, never before it
  std::set<int> in_flight_;     // message ids the broker has not acknowledged

  mutable std::mutex state_mutex_;
  std::string state_ = "connecting";
  std::string problem_ = "not connected yet";
  std::string gateway_problem_;  // on the gateway's side: exports refused, its device gone
  std::chrono::steady_clock::time_point last_log_{};
  std::uint64_t unlogged_ = 0;

  std::atomic<std::uint64_t> exported_{0}, imported_{0}, export_skipped_{0}, import_skipped_{0},
      import_refused_{0}, echoes_skipped_{0}, connects_{0};
};

}  // namespace gw::mqtt
