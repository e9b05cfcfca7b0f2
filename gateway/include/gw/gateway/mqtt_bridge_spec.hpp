#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gw::gateway {

// One [[mqtt]] table of the config file: a bridge to an MQTT broker. What gw's clients publish
// on `export` filters goes to the broker under the same topic names, and what the broker has on
// `import` filters is published to gw's subscribers, as if by a client.
struct MqttBridgeSpec {
  enum class Payload { json, fernet };

  std::string name;    // for logs, /healthz and metrics; default: the broker's host:port
  std::string broker;  // as written: mqtt://HOST[:PORT] or mqtts://HOST[:PORT]
  std::string host;
  std::uint16_t port = 1883;
  bool tls = false;                     // mqtts://
  std::filesystem::path ca_file;        // mqtts: the CA to check the broker by; empty: the system's
  std::string client_id;                // empty: from the gateway's name and id
  std::string username;                 // empty: none
  std::filesystem::path password_file;  // the password's file, private; relative: to data_dir
  // The device of the devices file the bridge speaks as (its key and its permissions); empty:
  // the shared key, with [shared_key]'s permissions.
  std::string device;
  std::vector<std::string> exports;  // gw topic filters published to the broker
  std::vector<std::string> imports;  // MQTT topic filters published into gw
  Payload payload = Payload::json;
  int qos = 0;  // 0 or 1, both ways
  // Messages to export that wait while the broker is away (or slower than gw); the oldest is
  // dropped, and counted, beyond it.
  std::size_t queue = 1000;
  // Messages imported per second at most (0: no limit): past it the bridge reads the broker
  // more slowly, so that a busy broker cannot crowd out gw's own clients.
  double rate = 2000;
  std::chrono::seconds keepalive{30};
  // Reconnecting: first after retry_min, doubling up to retry_max.
  std::chrono::seconds retry_min{1};
  std::chrono::seconds retry_max{30};

  // "json" or "fernet", as the config file writes it.
  static const char* name_of(Payload payload) noexcept {
    return payload == Payload::json ? "json" : "fernet";
  }

  static constexpr std::uint16_t default_port = 1883;
  static constexpr std::uint16_t default_tls_port = 8883;
};

}  // namespace gw::gateway
