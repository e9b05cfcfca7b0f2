#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gw/gateway/cluster_settings.hpp>
#include <gw/gateway/feed_options.hpp>
#include <gw/gateway/history_spec.hpp>
#include <gw/gateway/lookup_tables.hpp>
#include <gw/gateway/mqtt_bridge_spec.hpp>
#include <gw/gateway/permissions.hpp>
#include <gw/gateway/rate_limits.hpp>
#include <gw/gateway/replay_guard_options.hpp>
#include <gw/gateway/session_limits.hpp>
#include <gw/gateway/storage_options.hpp>
#include <gw/gateway/worker_pool.hpp>
#include <gw/message/codec.hpp>
#include <gw/transports/limits.hpp>

namespace gw::gateway {

// A listener's port: a number (0 asks the system for a free one), or none when switched off.
using ListenerPort = std::optional<std::uint16_t>;

enum class LogFormat { text, json };

// Everything gatewayd can be told, with its defaults. Read from the config file, then GW_*
// environment variables, then flags (see config_options.hpp for the names of each).
struct Config {
  // Where the config file, key file and gateway id live unless told otherwise.
  std::filesystem::path data_dir = "gw-data";
  std::filesystem::path config_file;  // empty: gatewayd.toml in data_dir

  std::string name;                           // empty: the host's name
  std::filesystem::path key_file = "gw.key";  // relative: to data_dir
  bool allow_insecure_key_file = false;
  std::chrono::seconds ttl = message::CodecOptions{}.ttl;  // 0: accept tokens of any age
  unsigned threads = 0;                                    // 0: one per core
  unsigned worker_threads = WorkerPool::default_threads;   // for blocking commands
  std::string admin_key;                                   // empty: no admin
  // A file holding the admin key, read at start (relative: to data_dir); keeps it out of `ps`.
  std::filesystem::path admin_key_file;
  // The devices, each with its own key (relative: to data_dir; missing: none).
  std::filesystem::path devices_file = "devices.toml";
  // What holders of the shared key file may do; off: only devices are served.
  bool shared_key_enabled = true;
  PermissionLists shared_key = Permissions::everything_but_admin().lists();

  std::string bind = "0.0.0.0";
  // TLS for the HTTP and WebSocket listeners: a certificate chain and its key (PEM; relative:
  // to data_dir), or a self-signed pair the gateway makes in data_dir. Neither: plain.
  std::filesystem::path tls_certificate;
  std::filesystem::path tls_private_key;
  bool tls_self_signed = false;
  ListenerPort http_port = 5000;
  ListenerPort ws_port = 8000;
  ListenerPort udp_port = 1234;
  ListenerPort tcp_port = 5001;

  // Discovery beacons: every announce_interval (0: never) to the broadcast address of each
  // IPv4 interface, on announce_port.
  std::chrono::seconds announce_interval{0};
  std::uint16_t announce_port = 1235;

  transports::Limits limits;
  SessionLimits sessions;
  StorageOptions storage;
  FeedOptions feed;
  RateLimits rates;
  bool replay_guard = true;  // off: replayed tokens are acted on again (measurement, closed labs)
  std::size_t replay_entries = ReplayGuardOptions{}.capacity;
  std::size_t json_depth = message::Message::default_max_depth;
  // [[tables]] in the config file only; a relative file is in data_dir.
  std::vector<TableSpec> tables;
  // [[history]] in the config file only: the topics that keep history. None by default.
  std::vector<HistorySpec> history;

  ClusterSettings cluster;  // [cluster]; off by default
  // [[mqtt]] in the config file only: the MQTT brokers bridged to. None by default.
  std::vector<MqttBridgeSpec> mqtt;

  std::string log_level = "info";
  LogFormat log_format = LogFormat::text;
  std::filesystem::path log_file;  // empty: standard error; relative: to data_dir

  std::filesystem::path ready_file;  // empty: none

  std::filesystem::path config_path() const;   // config_file, or its default in data_dir
  std::filesystem::path key_path() const;      // key_file resolved against data_dir
  std::filesystem::path devices_path() const;  // devices_file resolved against data_dir
  std::filesystem::path log_path() const;      // log_file resolved against data_dir
  std::filesystem::path storage_path() const;  // storage.file resolved against data_dir
  // A file named in the config file: a relative one is in data_dir; empty stays empty.
  std::filesystem::path in_data_dir(const std::filesystem::path& path) const;
  bool tls() const { return !tls_certificate.empty() || tls_self_signed; }
  // TLS with the pair the gateway makes itself: asked for, and no certificate given.
  bool tls_makes_own_certificate() const { return tls_self_signed && tls_certificate.empty(); }
  // The files TLS is served with: as configured against data_dir, or the self-signed pair's.
  std::filesystem::path tls_certificate_path() const;
  std::filesystem::path tls_private_key_path() const;
};

// A configuration that cannot be used; the text names the option and the value.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gw::gateway
