#include "daemon.hpp"

#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <gw/cluster/cluster_node.hpp>
#include <gw/console/assets.hpp>
#include <gw/discovery/announce_beacon.hpp>
#include <gw/gateway/builtin_commands.hpp>
#include <gw/gateway/device_file.hpp>
#include <gw/gateway/gateway.hpp>
#include <gw/gateway/memory_store.hpp>
#include <gw/gateway/sqlite_store.hpp>
#include <gw/gateway/transport_table.hpp>
#include <gw/transports/network_thread.hpp>

#include "data_dir.hpp"
#include "devices_reloader.hpp"
#include "logging.hpp"
#include "mqtt_setup.hpp"
#include "tls_setup.hpp"

namespace gw::gatewayd {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using gateway::Config;
using gateway::ConfigError;

namespace {

using Transports = std::vector<std::shared_ptr<transports::Transport>>;
// Each running transport's label and URL, for the banner.
using Endpoints = std::vector<std::pair<std::string, std::string>>;

message::Codec make_codec(const Config& config, message::KeyRing keys) {
  return message::Codec(std::move(keys),
                        {config.ttl, config.limits.message_bytes, config.json_depth});
}

// A host clients on this machine can use: the bind address unless it is a wildcard.
std::string local_host(const Config& config) {
  if (config.bind == "0.0.0.0") return "127.0.0.1";
  if (config.bind == "::") return "[::1]";
  return config.bind.find(':') != std::string::npos ? "[" + config.bind + "]" : config.bind;
}

// The store the config asks for; a database that cannot be used stops start-up, saying why.
std::shared_ptr<gateway::Store> open_store(const Config& config) {
  if (config.storage.kind == gateway::StorageKind::memory)
    return std::make_shared<gateway::MemoryStore>();
  auto options = config.storage;
  options.file = config.storage_path();
  try {
    return std::make_shared<gateway::SqliteStore>(options);
  } catch (const std::runtime_error& error) {
    throw ConfigError(std::string("storage: ") + error.what());
  }
}

void print_banner(const Config& config, const DataDir& data, const TlsSetup& tls,
                  const gateway::Store& store, const gateway::Gateway& gateway,
                  const Endpoints& endpoints, const cluster::ClusterNode* cluster) {
  const auto& server = gateway.server();
  const std::string secure = tls.context ? "s" : "";
  std::ostringstream out;
  out << "gatewayd " << server.version << " '" << server.name << "' (id " << server.id << ")\n";
  out << "  config    " << config.config_path().string()
      << (data.created_config ? "  (created with defaults)" : "") << "\n";
  out << "  key file  " << config.key_path().string()
      << (data.created_key ? "  (created, mode 0600)" : "") << "\n";
  const auto identities = gateway.identities().current();
  out << "  devices   " << config.devices_path().string() << "  (" << identities->devices().size()
      << " with keys of their own" << (identities->shared() ? "" : "; the shared key is refused")
      << ")\n";
  out << "  storage   " << store.describe() << "\n";
  if (cluster) out << "  cluster   " << cluster->describe() << "\n";
  if (tls.context) out << "  tls       " << tls.summary << "\n";
  if (!config.replay_guard)
    out << "  WARNING   replay guard off: a captured token sent again is acted on again\n";
  else if (config.ttl.count() == 0)
    out << "  WARNING   ttl 0 accepts tokens of any age: the replay guard holds "
        << config.replay_entries
        << " tokens, but a token captured before a restart can be replayed after it; set a ttl "
           "to rule replays out\n";
  for (const auto& [label, url] : endpoints)
    out << "  " << label << std::string(label.size() < 10 ? 10 - label.size() : 1, ' ') << url
        << "\n";
  if (server.http_port)
    out << "  console   http" << secure << "://" << local_host(config) << ":" << *server.http_port
        << "/\n";
  std::cout << out.str() << std::flush;
}

void write_ready_file(const Config& config, const gateway::ServerInfo& server) {
  if (config.ready_file.empty()) return;
  auto ready = server.endpoints_json();
  ready["pid"] = ::getpid();
  ready["name"] = server.name;
  ready["id"] = server.id;
  ready["bind"] = config.bind;
  ready["key_file"] = fs::absolute(config.key_path()).string();
  ready["config_file"] = fs::absolute(config.config_path()).string();
  if (config.tls()) ready["tls_certificate"] = fs::absolute(config.tls_certificate_path()).string();
  // Written whole under another name, then renamed: a reader never sees half of it.
  const auto partial = config.ready_file.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::trunc);
    out << ready.dump() << "\n";
    if (!out) throw ConfigError("cannot write ready file " + partial);
  }
  fs::rename(partial, config.ready_file);
}

// SIGHUP reloads the keys; SIGINT and SIGTERM stop the gateway: no new connections, every
// session closed cleanly, and the io_context stopped once they are gone or the time is up.
class SignalHandler {
 public:
  SignalHandler(asio::io_context& io, const Config& config, gateway::Gateway& gateway,
                Transports& running, DevicesReloader& devices)
      : io_(io),
        config_(config),
        gateway_(gateway),
        running_(running),
        devices_(devices),
        signals_(io, SIGINT, SIGTERM, SIGHUP),
        watchdog_(io) {}

  void start() { wait(); }
  // Also done when the gateway stops.
  void on_stop(std::function<void()> hook) { on_stop_.push_back(std::move(hook)); }

  // The reload an admin's reload command asks for: the devices file first, so that an error in
  // it (gateway::DeviceFileError) leaves everything as it was; then the keys and the tables.
  std::string reload_all() {
    auto devices = devices_.reload(gateway_);
    return devices + "; " + reload_keys() + "; " + gateway_.tables().reload();
  }

  // The keys as SIGHUP or `reload` asks; returns what was done.
  std::string reload_keys() {
    auto keys = load_keys(config_);
    const auto count = keys.keys().size();
    gateway_.codec().replace(make_codec(config_, std::move(keys)));
    return "reloaded " + std::to_string(count) + " key(s) from " + config_.key_path().string() +
           "; other settings take effect on restart";
  }

  void stop(std::string_view why) {
    if (gateway_.stopping()) {
      spdlog::warn("second stop request: exiting now");
      return io_.stop();
    }
    spdlog::info("{}: stopping; closing connections (up to {} s)", why,
                 config_.limits.close_timeout.count());
    gateway_.begin_stopping();
    for (auto& transport : running_)
      transport->stop();
    for (auto& hook : on_stop_)
      hook();
    deadline_ = std::chrono::steady_clock::now() + config_.limits.close_timeout;
    watch();
  }

 private:
  void wait() {
    signals_.async_wait([this](const boost::system::error_code& error, int signal) {
      if (error) return;
      if (signal == SIGHUP)
        reload();
      else
        stop(signal == SIGINT ? "SIGINT" : "SIGTERM");
      wait();
    });
  }

  void reload() {
    try {
      spdlog::info("SIGHUP: {}", devices_.reload(gateway_));
    } catch (const gateway::DeviceFileError& error) {
      spdlog::error("SIGHUP: kept the devices in use: {}", error.what());
    }
    try {
      spdlog::info("SIGHUP: {}", reload_keys());
    } catch (const ConfigError& error) {
      spdlog::error("SIGHUP: kept the keys in use: {}", error.what());
    }
    spdlog::info("SIGHUP: {}", gateway_.tables().reload());
  }

  // Polls until every connection has ended or the close timeout has passed.
  void watch() {
    std::int64_t open = 0;
    for (const auto kind : transports::all_transport_kinds)
      open += gateway_.transport_stats()[kind].sessions_open.load(std::memory_order_relaxed);
    if (open == 0 || std::chrono::steady_clock::now() >= deadline_) {
      if (open > 0) spdlog::warn("stopping with {} connection(s) still open", open);
      spdlog::info("stopped");
      return io_.stop();
    }
    watchdog_.expires_after(std::chrono::milliseconds(20));
    watchdog_.async_wait([this](const boost::system::error_code& error) {
      if (!error) watch();
    });
  }

  asio::io_context& io_;
  const Config& config_;
  gateway::Gateway& gateway_;
  Transports& running_;
  DevicesReloader& devices_;
  asio::signal_set signals_;
  asio::steady_timer watchdog_;
  std::chrono::steady_clock::time_point deadline_;
  std::vector<std::function<void()>> on_stop_;
};

// Lets time pass in the gateway (long polls end, idle sessions expire) a few times a second,
// and once a second looks whether the devices file changed (read again on the worker pool).
class Ticker {
 public:
  Ticker(asio::io_context& io, gateway::Gateway& gateway, DevicesReloader& devices)
      : timer_(io), gateway_(gateway), devices_(devices) {}
  void start() {
    timer_.expires_after(period);
    timer_.async_wait([this](const boost::system::error_code& error) {
      if (error) return;
      gateway_.tick(std::chrono::steady_clock::now());
      if (++ticks_ % ticks_per_watch == 0 && devices_.changed()) watched_change();
      start();
    });
  }

 private:
  void watched_change() {
    (void)gateway_.workers().submit([this] {
      try {
        spdlog::info("devices file changed: {}", devices_.reload(gateway_));
      } catch (const gateway::DeviceFileError& error) {
        spdlog::error("devices file changed, but kept the devices in use: {}", error.what());
      }
    });
  }

  static constexpr std::chrono::milliseconds period{100};
  static constexpr unsigned ticks_per_watch = 10;
  asio::steady_timer timer_;
  gateway::Gateway& gateway_;
  DevicesReloader& devices_;
  unsigned ticks_ = 0;
};

gateway::GatewaySettings gateway_settings(const Config& config,
                                          std::vector<gateway::Device> devices) {
  gateway::GatewaySettings settings;
  if (!config.shared_key_enabled)
    settings.shared_key.reset();
  else
    settings.shared_key = config.shared_key;
  settings.devices = std::move(devices);
  settings.sessions = config.sessions;
  settings.sessions.poll_reply_bytes = config.limits.message_bytes / 2;
  settings.admin_key = config.admin_key;
  settings.rates = config.rates;
  settings.trusted_networks = config.limits.trusted_networks;
  settings.replay_guard = config.replay_guard;
  settings.replay_entries = config.replay_entries;
  settings.worker_threads = config.worker_threads;
  settings.history = config.history;
  settings.feed = config.feed;
  for (auto spec : config.tables) {
    if (spec.file.is_relative()) spec.file = config.data_dir / spec.file;
    settings.tables.push_back(std::move(spec));
  }
  return settings;
}

void serve(asio::io_context& io) {
  for (;;) {
    try {
      transports::run_network_thread(io);
      return;
    } catch (const std::exception& error) {
      // A handler is not meant to throw; if one does, log it and keep serving the others.
      spdlog::critical("unexpected exception on a network thread: {}", error.what());
    }
  }
}

// The browser console, embedded in the program.
std::optional<transports::HttpPage> console_files(std::string_view path) {
  const auto asset = console::find_asset(path);
  if (!asset) return std::nullopt;
  return transports::HttpPage{200, std::string(asset->content_type), std::string(asset->body)};
}

// Connects to the cluster [cluster] names, if any: its store keeps sessions and mailboxes, and
// the gateway's clients reach the other gateways' once it joins.
std::shared_ptr<cluster::ClusterNode> connect_cluster(const Config& config,
                                                      const gateway::ServerInfo& server,
                                                      const message::KeyRing& keys) {
  if (!config.cluster.enabled()) return nullptr;
  auto settings = config.cluster;
  settings.credentials = config.in_data_dir(settings.credentials);
  settings.tls_ca = config.in_data_dir(settings.tls_ca);
  if (settings.advertise.empty() && config.bind != "0.0.0.0" && config.bind != "::")
    settings.advertise = config.bind;
  auto node = settings.node.empty() ? server.name : settings.node;
  if (auto problem = gateway::cluster_name_problem(node); !problem.empty())
    throw ConfigError("cluster: " + problem +
                      "; the gateway's name does not fit, so set [cluster] node (--cluster-node)");
  try {
    return cluster::ClusterNode::connect(settings, node, make_codec(config, keys));
  } catch (const std::runtime_error& error) {
    throw ConfigError(std::string("cluster: ") + error.what());
  }
}

}  // namespace

int run_daemon(const Config& config, const Customise& customise) {
  set_up_logging(config);
  auto data = prepare_data_dir(config);

  gateway::ServerInfo server;
  server.name = config.name.empty() ? host_name() : config.name;
  server.id = data.gateway_id;
  server.version = GW_VERSION;
  DevicesReloader devices(config);
  std::vector<gateway::Device> initial_devices;
  try {
    initial_devices = devices.load();
  } catch (const gateway::DeviceFileError& error) {
    throw ConfigError(error.what());
  }
  const auto cluster = connect_cluster(config, server, data.keys);
  if (cluster) {
    server.cluster = config.cluster.name;
    server.node = cluster->node();
  }
  const auto store = cluster ? cluster->store(open_store(config)) : open_store(config);
  gateway::Gateway gateway(server, make_codec(config, data.keys),
                           gateway_settings(config, initial_devices), store);
  if (const auto restored = gateway.hub().restored())
    spdlog::info("storage: {} session(s) restored from the previous run", restored);
  gateway.serve_files(console_files);
  if (customise) customise(gateway);
  try {
    // Against every command, requestable and table, the operator's included.
    gateway.check_devices(initial_devices);
  } catch (const gateway::DeviceFileError& error) {
    throw ConfigError("devices file " + devices.path().string() + ": " + error.what());
  }
  initial_devices.clear();

  const unsigned threads =
      config.threads > 0 ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  asio::io_context io(static_cast<int>(threads));
  const auto tls = set_up_tls(config);
  gateway.server().tls = tls.context != nullptr;
  const transports::TransportContext context{
      io, gateway.handler(), gateway.transport_stats(), config.limits, config.bind, tls.context};
  Transports running;
  Endpoints endpoints;
  for (const auto& entry : gateway::transport_table()) {
    const auto& port = config.*entry.port;
    if (!port) continue;
    auto transport = entry.make(context, *port);
    transport->start();
    gateway.server().*entry.bound = transport->port();
    endpoints.emplace_back(transports::to_string(entry.kind),
                           entry.url(transport->address(), tls.context != nullptr));
    running.push_back(std::move(transport));
  }

  // Once the ports are known (heartbeats carry them), before any request is served.
  if (cluster) cluster->join(gateway);
  auto bridges = make_mqtt_bridges(config, gateway, io, cluster ? cluster->duties() : nullptr);
  if (bridges) {
    gateway.report_bridges(bridges);
    bridges->start();
  }

  SignalHandler signals(io, config, gateway, running, devices);
  signals.start();
  Ticker ticker(io, gateway, devices);
  ticker.start();
  gateway.control().shutdown = [&] { asio::post(io, [&] { signals.stop("shutdown command"); }); };
  gateway.control().reload = [&] { return signals.reload_all(); };
  gateway.control().devices_file = devices.path();
  gateway.control().reload_devices = [&] { return devices.reload(gateway); };
  std::optional<discovery::AnnounceBeacon> beacon;
  if (config.announce_interval.count() > 0) {
    beacon.emplace(io, config.announce_port, config.announce_interval, [&gateway] {
      auto token = gateway.codec().current()->encode(gateway::announce_message(gateway.server()));
      return token ? std::move(*token) : std::string();
    });
    beacon->start();
    signals.on_stop([&beacon] { beacon->stop(); });
  }
  print_banner(config, data, tls, *store, gateway, endpoints, cluster.get());
  write_ready_file(config, gateway.server());
  spdlog::info("serving with {} thread(s), token TTL {} s", threads, config.ttl.count());

  std::vector<std::jthread> pool;
  for (unsigned i = 1; i < threads; ++i)
    pool.emplace_back([&io] { serve(io); });
  serve(io);
  pool.clear();                  // joins
  if (bridges) bridges->stop();  // what waits for a broker goes first, for up to a second
  gateway.release_transports();  // the io_context, and the transports with it, go next
  // The bridges post to the io_context (a strand of it): they go before it.
  gateway.report_bridges(nullptr);
  bridges.reset();
  if (cluster) cluster->leave();  // before the gateway its handlers deliver to
  return 0;
}

}  // namespace gw::gatewayd
