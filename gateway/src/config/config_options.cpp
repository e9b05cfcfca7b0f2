#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>

#include <gw/gateway/config_options.hpp>

#include "mqtt_tables.hpp"
#include "toml_text.hpp"

namespace gw::gateway {

namespace {

using Parsed = std::optional<std::string>;  // the complaint, if any

std::optional<std::int64_t> integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Parsed parse_range(std::string_view text, std::int64_t low, std::int64_t high, std::int64_t& out,
                   std::string_view what) {
  const auto value = integer(text);
  if (!value || *value < low || *value > high)
    return "expected " + std::string(what) + " from " + std::to_string(low) + " to " +
           std::to_string(high);
  out = *value;
  return std::nullopt;
}

template <auto member>
Parsed parse_seconds(Config& config, std::string_view text) {
  std::int64_t value = 0;
  if (auto error = parse_range(text, 0, 365 * 24 * 3600, value, "whole seconds")) return error;
  config.*member = std::chrono::seconds(value);
  return std::nullopt;
}

// An option inside one of Config's groups (limits, sessions): config.*group.*member.
template <auto group, auto member>
Parsed parse_group_seconds(Config& config, std::string_view text) {
  std::int64_t value = 0;
  if (auto error = parse_range(text, 0, 365 * 24 * 3600, value, "whole seconds")) return error;
  (config.*group).*member = std::chrono::seconds(value);
  return std::nullopt;
}

template <auto group, auto member, std::int64_t low, std::int64_t high>
Parsed parse_group_size(Config& config, std::string_view text) {
  std::int64_t value = 0;
  if (auto error = parse_range(text, low, high, value, "a whole number")) return error;
  (config.*group).*member = static_cast<std::size_t>(value);
  return std::nullopt;
}

template <auto group, auto member>
std::string show_group(const Config& config) {
  const auto& value = (config.*group).*member;
  if constexpr (requires { value.count(); })
    return std::to_string(value.count());
  else
    return std::to_string(value);
}

// A rate of Config::rates: whole messages per second, or a burst, (config.rates.*rate).*field.
template <auto rate, auto field>
Parsed parse_rate(Config& config, std::string_view text) {
  std::int64_t value = 0;
  if (auto error = parse_range(text, 0, 100'000'000, value, "a whole number (0: unlimited)"))
    return error;
  (config.rates.*rate).*field = static_cast<double>(value);
  return std::nullopt;
}

template <auto rate, auto field>
std::string show_rate(const Config& config) {
  return std::to_string(static_cast<std::int64_t>((config.rates.*rate).*field));
}

template <auto member, std::int64_t low, std::int64_t high>
Parsed parse_size(Config& config, std::string_view text) {
  std::int64_t value = 0;
  if (auto error = parse_range(text, low, high, value, "a whole number")) return error;
  config.*member = static_cast<std::size_t>(value);
  return std::nullopt;
}

template <auto member>
std::string show_size(const Config& config) {
  return std::to_string(config.*member);
}

Parsed parse_trusted_networks(Config& config, std::string_view text) {
  std::string complaint;
  auto list = transports::NetworkList::parse(text, complaint);
  if (!list) return complaint;
  config.limits.trusted_networks = std::move(*list);
  return std::nullopt;
}

template <auto member>
constexpr auto parse_limit_seconds = parse_group_seconds<&Config::limits, member>;
template <auto member, std::int64_t low, std::int64_t high>
constexpr auto parse_limit_size = parse_group_size<&Config::limits, member, low, high>;
template <auto member>
constexpr auto show_limit = show_group<&Config::limits, member>;
template <auto member>
constexpr auto parse_session_seconds = parse_group_seconds<&Config::sessions, member>;
template <auto member, std::int64_t low, std::int64_t high>
constexpr auto parse_session_size = parse_group_size<&Config::sessions, member, low, high>;
template <auto member>
constexpr auto show_session = show_group<&Config::sessions, member>;

template <auto member>
Parsed parse_port(Config& config, std::string_view text) {
  if (text == "off" || (!text.empty() && text.front() == '-' && integer(text))) {
    config.*member = std::nullopt;
    return std::nullopt;
  }
  const auto value = integer(text);
  if (!value || *value > 65535)
    return std::string("expected a port from 0 to 65535 (0: any free port), or off");
  config.*member = static_cast<std::uint16_t>(*value);
  return std::nullopt;
}

template <auto member>
std::string show_port(const Config& config) {
  const auto& port = config.*member;
  return port ? std::to_string(*port) : std::string("\"off\"");
}

template <auto member>
Parsed parse_path(Config& config, std::string_view text) {
  config.*member = std::filesystem::path(text);
  return std::nullopt;
}

template <auto member>
std::string show_path(const Config& config) {
  return toml_quoted((config.*member).string());
}

Parsed parse_name(Config& config, std::string_view text) {
  if (text.size() > 64) return std::string("expected a name of at most 64 bytes");
  if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::iscntrl(c); }))
    return std::string("expected a name without control characters");
  config.name = std::string(text);
  return std::nullopt;
}

template <auto member>
Parsed parse_bool(Config& config, std::string_view text) {
  if (text == "true" || text == "1")
    config.*member = true;
  else if (text == "false" || text == "0")
    config.*member = false;
  else
    return std::string("expected true or false");
  return std::nullopt;
}

template <auto member>
std::string show_bool(const Config& config) {
  return config.*member ? "true" : "false";
}

Parsed parse_threads(Config& config, std::string_view text) {
  std::int64_t value = 0;
  if (auto error = parse_range(text, 0, 256, value, "a thread count (0: one per core)"))
    return error;
  config.threads = static_cast<unsigned>(value);
  return std::nullopt;
}

Parsed parse_worker_threads(Config& config, std::string_view text) {
  std::int64_t value = 0;
  if (auto error = parse_range(text, 1, 256, value, "a thread count")) return error;
  config.worker_threads = static_cast<unsigned>(value);
  return std::nullopt;
}

Parsed parse_admin_key(Config& config, std::string_view text) {
  if (!text.empty() && text.size() < 12)
    return std::string(
        "expected at least 12 characters (or empty: no admin), so that it cannot be "
        "guessed");
  config.admin_key = std::string(text);
  return std::nullopt;
}

// The key itself is never shown back, so that --print-config can be pasted safely.
std::string show_admin_key(const Config& config) {
  return config.admin_key.empty() ? std::string("\"\"") : std::string("\"(set, not shown)\"");
}

Parsed parse_bind(Config& config, std::string_view text) {
  const std::string address(text);
  unsigned char scratch[16];
  if (inet_pton(AF_INET, address.c_str(), scratch) != 1 &&
      inet_pton(AF_INET6, address.c_str(), scratch) != 1)
    return std::string("expected an IPv4 or IPv6 address, such as 0.0.0.0 or 127.0.0.1");
  config.bind = address;
  return std::nullopt;
}

Parsed parse_announce_port(Config& config, std::string_view text) {
  std::int64_t value = 0;
  if (auto error = parse_range(text, 1, 65535, value, "a port")) return error;
  config.announce_port = static_cast<std::uint16_t>(value);
  return std::nullopt;
}

// The items of a list given as "a, b, c" (a TOML list of strings arrives joined so), trimmed,
// empty ones skipped.
std::vector<std::string_view> comma_list(std::string_view text) {
  std::vector<std::string_view> items;
  while (!text.empty()) {
    const auto comma = text.find(',');
    auto item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front())))
      item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back())))
      item.remove_suffix(1);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

std::string toml_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items)
    out += (out.size() > 1 ? ", " : "") + toml_quoted(item);
  return out + "]";
}

// "http://laptop.lan:3000, https://panel.example" or "*": whole origins, no paths.
Parsed parse_allowed_origins(Config& config, std::string_view text) {
  std::vector<std::string> origins;
  for (const auto item : comma_list(text)) {
    const auto scheme_end = item.find("://");
    const bool web_scheme = item.starts_with("http://") || item.starts_with("https://");
    if (item != "*" && (!web_scheme || item.find('/', scheme_end + 3) != std::string_view::npos ||
                        item.size() == scheme_end + 3))
      return "'" + std::string(item) +
             "' is not an origin; expected such as http://laptop.lan:3000 (scheme, host and "
             "port, no path), separated by commas, or *";
    origins.emplace_back(item);
  }
  config.limits.allowed_origins = std::move(origins);
  return std::nullopt;
}

std::string show_allowed_origins(const Config& config) {
  return toml_list(config.limits.allowed_origins);
}

// One of the shared key's permission lists ([shared_key]), each entry checked as a devices
// file's would be.
template <auto list, Access::Kind kind>
Parsed parse_shared_key_list(Config& config, std::string_view text) {
  std::vector<std::string> entries;
  for (const auto item : comma_list(text)) {
    if (auto problem = permission_entry_problem(kind, item))
      return "'" + std::string(item) + "': " + *problem;
    entries.emplace_back(item);
  }
  config.shared_key.*list = std::move(entries);
  return std::nullopt;
}

template <auto list>
std::string show_shared_key_list(const Config& config) {
  return toml_list(config.shared_key.*list);
}

Parsed parse_log_level(Config& config, std::string_view text) {
  constexpr std::array levels{"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(levels.begin(), levels.end(), text) == levels.end())
    return std::string("expected trace, debug, info, warn, error, critical or off");
  config.log_level = std::string(text);
  return std::nullopt;
}

// One of two words, each naming a value of an enum option.
template <typename Enum>
Parsed parse_either(Enum& out, std::string_view text, std::string_view first, Enum first_value,
                    std::string_view second, Enum second_value, const char* complaint) {
  if (text == first)
    out = first_value;
  else if (text == second)
    out = second_value;
  else
    return std::string(complaint);
  return std::nullopt;
}

Parsed parse_log_format(Config& config, std::string_view text) {
  return parse_either(config.log_format, text, "text", LogFormat::text, "json", LogFormat::json,
                      "expected text or json");
}

Parsed parse_storage_kind(Config& config, std::string_view text) {
  return parse_either(config.storage.kind, text, "sqlite", StorageKind::sqlite, "memory",
                      StorageKind::memory,
                      "expected sqlite (kept across restarts) or memory (lost when it stops)");
}

Parsed parse_feed_readers(Config& config, std::string_view text) {
  return parse_either(config.feed.readers, text, "admins", FeedOptions::Readers::admins,
                      "subscribers", FeedOptions::Readers::subscribers,
                      "expected admins (an admin device, or a session after auth) or subscribers "
                      "(whoever's subscribe permission covers $gw/...)");
}

Parsed parse_synchronous(Config& config, std::string_view text) {
  return parse_either(config.storage.synchronous, text, "normal", Synchronous::normal, "full",
                      Synchronous::full,
                      "expected normal (survives a crash of gatewayd) or full (a loss of power)");
}

Parsed parse_storage_file(Config& config, std::string_view text) {
  if (text.empty()) return std::string("expected a file name, such as gw.db");
  config.storage.file = std::string(text);
  return std::nullopt;
}

// [cluster] nats: "nats://a:4222, nats://b:4222" or a TOML list of them.
Parsed parse_cluster_servers(Config& config, std::string_view text) {
  std::vector<std::string> servers;
  for (const auto item : comma_list(text)) {
    if (!item.starts_with("nats://") && !item.starts_with("tls://"))
      return "'" + std::string(item) +
             "' is not a NATS server; expected such as nats://127.0.0.1:4222, separated by commas";
    servers.emplace_back(item);
  }
  config.cluster.nats = std::move(servers);
  return std::nullopt;
}

// A name that goes into NATS subjects as it is: the cluster's, or this gateway's in it.
template <auto member>
Parsed parse_cluster_name(Config& config, std::string_view text) {
  if (text.empty() && member == &ClusterSettings::node) {  // the gateway's name
    config.cluster.*member = {};
    return std::nullopt;
  }
  if (auto problem = cluster_name_problem(text); !problem.empty()) return problem;
  config.cluster.*member = std::string(text);
  return std::nullopt;
}

template <auto member>
Parsed parse_cluster_text(Config& config, std::string_view text) {
  config.cluster.*member = std::string(text);
  return std::nullopt;
}

template <auto member>
std::string show_cluster_text(const Config& config) {
  return toml_quoted(config.cluster.*member);
}

template <auto member>
Parsed parse_cluster_path(Config& config, std::string_view text) {
  config.cluster.*member = std::string(text);
  return std::nullopt;
}

template <auto member>
std::string show_cluster_path(const Config& config) {
  return toml_quoted((config.cluster.*member).string());
}

Parsed parse_cluster_replicas(Config& config, std::string_view text) {
  std::int64_t value = 0;
  if (auto error = parse_range(text, 1, 5, value, "a number of copies")) return error;
  config.cluster.replicas = static_cast<int>(value);
  return std::nullopt;
}

using L = transports::Limits;
using S = SessionLimits;
constexpr std::int64_t mib = 1024 * 1024;

constexpr ConfigOption options[] = {
    {"", "data_dir", "data-dir", "DIR",
     "Directory of the config file, key file and gateway id; created if missing",
     parse_path<&Config::data_dir>, show_path<&Config::data_dir>},
    {"", "config", "config", "FILE", "Config file (default: gatewayd.toml in the data directory)",
     parse_path<&Config::config_file>, show_path<&Config::config_file>},
    {"gateway", "name", "name", "NAME",
     "Name the gateway gives itself in replies (default: host name)", parse_name,
     [](const Config& c) { return toml_quoted(c.name); }},
    {"gateway", "key_file", "key-file", "FILE",
     "Fernet key file, one key per line, the first encrypts; created with mode 0600 if missing "
     "(a relative path in the config file is in the data directory)",
     parse_path<&Config::key_file>, show_path<&Config::key_file>},
    {"gateway", "allow_insecure_key_file", "insecure-key-file", "",
     "Start even if group or others can read the key file",
     parse_bool<&Config::allow_insecure_key_file>, show_bool<&Config::allow_insecure_key_file>},
    {"gateway", "ttl", "ttl", "SECONDS", "Refuse tokens older than this (0: accept any age)",
     parse_seconds<&Config::ttl>, [](const Config& c) { return std::to_string(c.ttl.count()); }},
    {"gateway", "threads", "threads", "N", "Network threads (0: one per core)", parse_threads,
     [](const Config& c) { return std::to_string(c.threads); }},
    {"gateway", "worker_threads", "worker-threads", "N",
     "Threads for commands that may block (file reads, operators' slow commands)",
     parse_worker_threads, [](const Config& c) { return std::to_string(c.worker_threads); }},
    {"gateway", "admin_key", "admin-key", "KEY",
     "The key `auth` takes to grant admin permission (kick, shutdown, reload); at least 12 "
     "characters; empty: nobody is admin. On the command line it shows in `ps`: prefer "
     "GW_ADMIN_KEY or admin_key_file",
     parse_admin_key, show_admin_key},
    {"gateway", "admin_key_file", "admin-key-file", "FILE",
     "Read the admin key from this file (relative: in the data directory) instead: a key given "
     "with --admin-key is visible to every user in `ps`; GW_ADMIN_KEY or this file is not",
     parse_path<&Config::admin_key_file>, show_path<&Config::admin_key_file>},
    {"gateway", "devices_file", "devices-file", "FILE",
     "The devices, each with a key of its own and its permissions ([[device]] tables; a "
     "relative path is in the data directory; missing: no devices). Private like the key file. "
     "Read again on SIGHUP, `reload`, or when it changes",
     parse_path<&Config::devices_file>, show_path<&Config::devices_file>},
    {"shared_key", "enabled", "shared-key", "BOOL",
     "Take tokens under the shared key file's keys (false: only devices, with keys of their "
     "own, are served)",
     parse_bool<&Config::shared_key_enabled>, show_bool<&Config::shared_key_enabled>},
    {"shared_key", "publish", "shared-key-publish", "FILTERS",
     "Topic filters the shared key's holders may publish to (# alone: every topic)",
     parse_shared_key_list<&PermissionLists::publish, Access::Kind::publish>,
     show_shared_key_list<&PermissionLists::publish>},
    {"shared_key", "subscribe", "shared-key-subscribe", "FILTERS",
     "Filters they may subscribe within (a wider one is refused)",
     parse_shared_key_list<&PermissionLists::subscribe, Access::Kind::subscribe>,
     show_shared_key_list<&PermissionLists::subscribe>},
    {"shared_key", "send", "shared-key-send", "NAMES",
     "Client names or ids they may send to and ask (*: anyone)",
     parse_shared_key_list<&PermissionLists::send, Access::Kind::send>,
     show_shared_key_list<&PermissionLists::send>},
    {"shared_key", "commands", "shared-key-commands", "NAMES",
     "Commands they may run beyond the everyday ones (ping, whoami, publish, ...), such as "
     "broadcast, clients, ask (*: all but the admin commands, which need auth)",
     parse_shared_key_list<&PermissionLists::commands, Access::Kind::command>,
     show_shared_key_list<&PermissionLists::commands>},
    {"shared_key", "requestables", "shared-key-requestables", "NAMES",
     "Requestables they may read with get (*: all)",
     parse_shared_key_list<&PermissionLists::requestables, Access::Kind::requestable>,
     show_shared_key_list<&PermissionLists::requestables>},
    {"shared_key", "tables", "shared-key-tables", "NAMES", "Lookup tables they may read (*: all)",
     parse_shared_key_list<&PermissionLists::tables, Access::Kind::table>,
     show_shared_key_list<&PermissionLists::tables>},
    {"shared_key", "provide", "shared-key-provide", "NAMES",
     "Services (commands of their own) they may provide (*: any name not the gateway's)",
     parse_shared_key_list<&PermissionLists::provide, Access::Kind::provide>,
     show_shared_key_list<&PermissionLists::provide>},
    {"shared_key", "call", "shared-key-call", "NAMES",
     "Services provided by clients that they may call (*: all)",
     parse_shared_key_list<&PermissionLists::call, Access::Kind::call>,
     show_shared_key_list<&PermissionLists::call>},
    {"listeners", "bind", "bind", "ADDR", "Address every listener binds (0.0.0.0: all IPv4)",
     parse_bind, [](const Config& c) { return toml_quoted(c.bind); }},
    {"listeners", "http_port", "http-port", "N",
     "HTTP: POST /message, /healthz, /metrics, the console, /ws (0: any free port; off or <0: "
     "none)",
     parse_port<&Config::http_port>, show_port<&Config::http_port>},
    {"listeners", "ws_port", "ws-port", "N", "WebSocket at /ws (0: any free port; off or <0: none)",
     parse_port<&Config::ws_port>, show_port<&Config::ws_port>},
    {"listeners", "udp_port", "udp-port", "N",
     "UDP, one token per datagram, discovery probes (0: any free port; off or <0: none)",
     parse_port<&Config::udp_port>, show_port<&Config::udp_port>},
    {"listeners", "tcp_port", "tcp-port", "N",
     "TCP, one token per line (0: any free port; off or <0: none)", parse_port<&Config::tcp_port>,
     show_port<&Config::tcp_port>},
    {"listeners", "allowed_origins", "allowed-origins", "ORIGINS",
     "Web pages from these origins (such as http://laptop.lan:3000; * for any) may open a "
     "WebSocket besides the gateway's own console; other browser origins get 403. Clients that "
     "send no Origin header are not affected",
     parse_allowed_origins, show_allowed_origins},
    {"tls", "certificate", "tls-cert", "FILE",
     "Serve https and wss, on the HTTP and WebSocket ports, with this certificate chain (PEM, "
     "the server's certificate first); those ports then refuse plaintext. Empty: plain HTTP",
     parse_path<&Config::tls_certificate>, show_path<&Config::tls_certificate>},
    {"tls", "private_key", "tls-key", "FILE", "The certificate's private key (PEM)",
     parse_path<&Config::tls_private_key>, show_path<&Config::tls_private_key>},
    {"tls", "self_signed", "self-signed", "",
     "Without a certificate, serve TLS with a self-signed one for this machine, made on first "
     "start (tls-certificate.pem in the data directory); clients trust that file",
     parse_bool<&Config::tls_self_signed>, show_bool<&Config::tls_self_signed>},
    {"discovery", "announce_interval", "announce-interval", "SECONDS",
     "Broadcast a beacon naming this gateway every SECONDS on each IPv4 interface, for "
     "'gwctl discover --listen' (0: never)",
     parse_seconds<&Config::announce_interval>,
     [](const Config& c) { return std::to_string(c.announce_interval.count()); }},
    {"discovery", "announce_port", "announce-port", "N",
     "UDP port the beacons go to (not the UDP listener's, so gateways never read each other's)",
     parse_announce_port, [](const Config& c) { return std::to_string(c.announce_port); }},
    {"limits", "http_header_bytes", "http-header-bytes", "BYTES",
     "Largest HTTP request head; a larger one gets 431",
     parse_limit_size<&L::http_header_bytes, 1024, mib>, show_limit<&L::http_header_bytes>},
    {"limits", "message_bytes", "message-bytes", "BYTES",
     "Largest token: HTTP body (413), WebSocket message (close 1009), UDP datagram (dropped), "
     "TCP line (error, then closed)",
     parse_limit_size<&L::message_bytes, 1024, 16 * mib>, show_limit<&L::message_bytes>},
    {"limits", "header_timeout", "header-timeout", "SECONDS",
     "Time to receive a whole HTTP request once it starts, and for the WebSocket handshake",
     parse_limit_seconds<&L::header_timeout>, show_limit<&L::header_timeout>},
    {"limits", "http_idle", "http-idle", "SECONDS",
     "Close a kept-alive HTTP connection after this long without a request",
     parse_limit_seconds<&L::http_idle>, show_limit<&L::http_idle>},
    {"limits", "websocket_ping", "websocket-ping", "SECONDS",
     "Ping a quiet WebSocket client this often; close it if it stays silent as long again "
     "(0: never)",
     parse_limit_seconds<&L::websocket_ping>, show_limit<&L::websocket_ping>},
    {"limits", "tcp_idle", "tcp-idle", "SECONDS",
     "Close a TCP connection after this long without a line (0: never)",
     parse_limit_seconds<&L::tcp_idle>, show_limit<&L::tcp_idle>},
    {"limits", "max_connections", "max-connections", "N",
     "Connections at once per listener; more are refused",
     parse_limit_size<&L::max_connections, 1, 1000000>, show_limit<&L::max_connections>},
    {"limits", "max_connections_per_address", "max-connections-per-address", "N",
     "Connections at once per listener from one source address; more are refused (trusted "
     "networks are exempt)",
     parse_limit_size<&L::max_connections_per_address, 1, 1000000>,
     show_limit<&L::max_connections_per_address>},
    {"limits", "admission_timeout", "admission-timeout", "SECONDS",
     "Close a connection that has not completed its first HTTP request or WebSocket upgrade, "
     "or on the TCP port sent an authentic token, this long after it was accepted",
     parse_limit_seconds<&L::admission_timeout>, show_limit<&L::admission_timeout>},
    {"limits", "trusted_networks", "trusted-networks", "CIDRS",
     "Networks exempt from the per-address limits on connections and message rates, such as a "
     "reverse proxy's (10.0.0.0/8, fd00::/8, 192.168.1.7); empty: none",
     parse_trusted_networks,
     [](const Config& c) { return toml_quoted(c.limits.trusted_networks.to_string()); }},
    {"limits", "session_rate", "session-rate", "N",
     "Messages per second one client (a connection or a session token) may send; more get 429 "
     "(UDP: dropped), and a connection that goes on at twice the rate is closed (0: unlimited)",
     parse_rate<&RateLimits::session, &Rate::per_second>,
     show_rate<&RateLimits::session, &Rate::per_second>},
    {"limits", "session_burst", "session-burst", "N", "Messages one client may send at once",
     parse_rate<&RateLimits::session, &Rate::burst>, show_rate<&RateLimits::session, &Rate::burst>},
    {"limits", "address_rate", "address-rate", "N",
     "Messages per second from one source address, all its clients together (0: unlimited). "
     "Behind a reverse proxy or Docker's port mapping every client has one address: see "
     "trusted_networks",
     parse_rate<&RateLimits::address, &Rate::per_second>,
     show_rate<&RateLimits::address, &Rate::per_second>},
    {"limits", "address_burst", "address-burst", "N", "Messages one address may send at once",
     parse_rate<&RateLimits::address, &Rate::burst>, show_rate<&RateLimits::address, &Rate::burst>},
    {"limits", "undecryptable_rate", "undecryptable-rate", "N",
     "Tokens per second from one address that may fail to decrypt; past the burst, that "
     "address's input is refused unread until the allowance refills (0: unlimited)",
     parse_rate<&RateLimits::undecryptable, &Rate::per_second>,
     show_rate<&RateLimits::undecryptable, &Rate::per_second>},
    {"limits", "undecryptable_burst", "undecryptable-burst", "N",
     "Failed tokens one address may send at once",
     parse_rate<&RateLimits::undecryptable, &Rate::burst>,
     show_rate<&RateLimits::undecryptable, &Rate::burst>},
    {"limits", "key_search_rate", "key-search-rate", "N",
     "Device keys tried per second, all senders together, to find the key of a token from a "
     "device not heard from lately (or under no key); past it such tokens get 503 (UDP: "
     "dropped) unread, so that a flood of them costs at most this (0: unlimited)",
     parse_rate<&RateLimits::key_search, &Rate::per_second>,
     show_rate<&RateLimits::key_search, &Rate::per_second>},
    {"limits", "key_search_burst", "key-search-burst", "N", "Device keys that may be tried at once",
     parse_rate<&RateLimits::key_search, &Rate::burst>,
     show_rate<&RateLimits::key_search, &Rate::burst>},
    {"limits", "replay_guard", "replay-guard", "BOOL",
     "Act on each authentic token once, on every transport (false: replays are acted on; only "
     "to measure its cost or in a closed lab)",
     parse_bool<&Config::replay_guard>, show_bool<&Config::replay_guard>},
    {"limits", "replay_entries", "replay-entries", "N",
     "Tokens the replay guard remembers, about 45 bytes each (the default, 262144, is about 11 "
     "MiB: two minutes at 2,000 messages a second). When full it forgets the oldest second and "
     "refuses tokens dated at or before it",
     parse_size<&Config::replay_entries, 64, 100'000'000>, show_size<&Config::replay_entries>},
    {"limits", "json_depth", "json-depth", "N",
     "Deepest nesting of objects and arrays in a message; deeper gets 400",
     parse_size<&Config::json_depth, 2, 10000>, show_size<&Config::json_depth>},
    {"limits", "write_queue_bytes", "write-queue-bytes", "BYTES",
     "Bytes waiting to be sent to one WebSocket or TCP client; over it the client, which is not "
     "reading, is disconnected",
     parse_limit_size<&L::write_queue_bytes, 1024, 1024 * mib>, show_limit<&L::write_queue_bytes>},
    {"limits", "close_timeout", "close-timeout", "SECONDS",
     "On shutdown, time given to connections to flush and close cleanly",
     parse_limit_seconds<&L::close_timeout>, show_limit<&L::close_timeout>},
    {"sessions", "idle", "session-idle", "SECONDS",
     "An HTTP or UDP session not heard from for this long ends, as does a resumable WebSocket "
     "or TCP session away from its lost connection",
     parse_session_seconds<&S::session_idle>, show_session<&S::session_idle>},
    {"sessions", "max_sessions", "max-sessions", "N",
     "HTTP and UDP sessions held at once, a handshake beyond gets 503; and resumable "
     "WebSocket and TCP sessions",
     parse_session_size<&S::max_sessions, 1, 10000000>, show_session<&S::max_sessions>},
    {"sessions", "mailbox_messages", "mailbox-messages", "N",
     "Messages kept for an HTTP client until it polls; more push out the oldest (the next poll "
     "says how many were lost)",
     parse_session_size<&S::mailbox_messages, 1, 1000000>, show_session<&S::mailbox_messages>},
    {"sessions", "mailbox_bytes", "mailbox-bytes", "BYTES", "The same bound in bytes of tokens",
     parse_session_size<&S::mailbox_bytes, 1024, 1024 * mib>, show_session<&S::mailbox_bytes>},
    {"sessions", "poll_wait_max", "poll-wait-max", "SECONDS",
     "The longest a poll with wait=N is held open", parse_session_seconds<&S::poll_wait_max>,
     show_session<&S::poll_wait_max>},
    {"sessions", "max_subscriptions", "max-subscriptions", "N", "Topic filters per session",
     parse_session_size<&S::max_subscriptions, 1, 100000>, show_session<&S::max_subscriptions>},
    {"sessions", "max_retained", "max-retained", "N",
     "Topics with a retained message (publish with retain); past it, a new topic's is not kept",
     parse_session_size<&S::max_retained, 0, 10000000>, show_session<&S::max_retained>},
    {"sessions", "max_history_topics", "max-history-topics", "N",
     "Topics keeping history ([[history]]); past it, a new topic's publications are delivered but "
     "not kept, and a subscribe since then says it could not recover",
     parse_session_size<&S::max_history_topics, 0, 10000000>, show_session<&S::max_history_topics>},
    {"sessions", "request_timeout", "request-timeout", "SECONDS",
     "How long the gateway waits for a client to answer a request it sent",
     parse_session_seconds<&S::request_timeout>, show_session<&S::request_timeout>},
    {"sessions", "ping_every", "ping-every", "SECONDS",
     "How often clients whose handshake offers ping are pinged for their round trip (0: never)",
     parse_session_seconds<&S::ping_every>, show_session<&S::ping_every>},
    {"feed", "readers", "feed-readers", "WHO",
     "Who may subscribe to the $gw feed the gateway publishes each second while someone reads "
     "it (traffic, refusals, topics, clients): admins, or subscribers",
     parse_feed_readers,
     [](const Config& c) {
       return toml_quoted(c.feed.readers == FeedOptions::Readers::admins ? "admins"
                                                                         : "subscribers");
     }},
    {"storage", "kind", "storage", "KIND",
     "sqlite: sessions and mailboxes kept in a database in the data directory, across restarts; "
     "memory: lost when gatewayd stops",
     parse_storage_kind,
     [](const Config& c) {
       return toml_quoted(c.storage.kind == StorageKind::memory ? "memory" : "sqlite");
     }},
    {"storage", "file", "storage-file", "FILE",
     "The database (a relative path is in the data directory); one gatewayd at a time",
     parse_storage_file, [](const Config& c) { return toml_quoted(c.storage.file.string()); }},
    {"storage", "synchronous", "storage-synchronous", "MODE",
     "normal: a commit survives a crash of gatewayd; full: also a loss of power (slower)",
     parse_synchronous,
     [](const Config& c) {
       return toml_quoted(c.storage.synchronous == Synchronous::full ? "full" : "normal");
     }},
    {"storage", "max_bytes", "storage-max-bytes", "BYTES",
     "The database's size bound; past it, messages that need storing get 503 storage full",
     parse_group_size<&Config::storage, &StorageOptions::max_bytes, 64 * 1024,
                      std::int64_t{1} << 46>,
     show_group<&Config::storage, &StorageOptions::max_bytes>},
    {"cluster", "nats", "cluster-nats", "URLS",
     "NATS servers of the cluster this gateway is one of, such as \"nats://127.0.0.1:4222\" "
     "(a list, or separated by commas); empty: a gateway on its own",
     parse_cluster_servers, [](const Config& c) { return toml_list(c.cluster.nats); }},
    {"cluster", "name", "cluster-name", "NAME",
     "The cluster's name: gateways with the same one (and the same key and devices files) act "
     "as one",
     parse_cluster_name<&ClusterSettings::name>, show_cluster_text<&ClusterSettings::name>},
    {"cluster", "node", "cluster-node", "NAME",
     "This gateway's name in the cluster, unique in it, the suffix of its clients' ids "
     "(default: the gateway's name, if it fits: letters, digits, - and _)",
     parse_cluster_name<&ClusterSettings::node>, show_cluster_text<&ClusterSettings::node>},
    {"cluster", "user", "cluster-user", "USER", "NATS user name (with password)",
     parse_cluster_text<&ClusterSettings::user>, show_cluster_text<&ClusterSettings::user>},
    {"cluster", "password", "cluster-password", "PASSWORD",
     "NATS password; prefer GW_CLUSTER_PASSWORD to a flag, which `ps` shows",
     parse_cluster_text<&ClusterSettings::password>, show_cluster_text<&ClusterSettings::password>},
    {"cluster", "token", "cluster-token", "TOKEN", "NATS authentication token",
     parse_cluster_text<&ClusterSettings::token>, show_cluster_text<&ClusterSettings::token>},
    {"cluster", "credentials", "cluster-credentials", "FILE",
     "NATS credentials file (.creds: a user JWT and its key; relative: in the data directory)",
     parse_cluster_path<&ClusterSettings::credentials>,
     show_cluster_path<&ClusterSettings::credentials>},
    {"cluster", "tls_ca", "cluster-tls-ca", "FILE",
     "Certificate authorities (PEM) that sign the NATS servers' certificates: TLS to NATS",
     parse_cluster_path<&ClusterSettings::tls_ca>, show_cluster_path<&ClusterSettings::tls_ca>},
    {"cluster", "replicas", "cluster-replicas", "N",
     "Copies JetStream keeps of the cluster's names: 1 with one NATS server, 3 with a NATS "
     "cluster of three (survives the loss of one)",
     parse_cluster_replicas, [](const Config& c) { return std::to_string(c.cluster.replicas); }},
    {"cluster", "advertise", "cluster-advertise", "HOST",
     "The host clients reach this gateway at, listed to the cluster's clients for failover "
     "(default: the bind address, unless it is every address)",
     parse_cluster_text<&ClusterSettings::advertise>,
     show_cluster_text<&ClusterSettings::advertise>},
    {"log", "level", "log-level", "LEVEL", "trace, debug, info, warn, error, critical or off",
     parse_log_level, [](const Config& c) { return toml_quoted(c.log_level); }},
    {"log", "format", "log-format", "FORMAT", "text (for people) or json (one object per line)",
     parse_log_format,
     [](const Config&
            c) { return toml_quoted(c.log_format == LogFormat::json ? "json" : "text"); }},
    {"log", "file", "log-file", "FILE",
     "Log to this file instead of standard error (a relative path in the config file is in the "
     "data directory)",
     parse_path<&Config::log_file>, show_path<&Config::log_file>},
    {"", "ready_file", "ready-file", "FILE",
     "Once every listener is bound, write a JSON object with the actual ports here",
     parse_path<&Config::ready_file>, show_path<&Config::ready_file>},
};

}  // namespace

std::string ConfigOption::environment_variable() const {
  std::string variable = "GW_";
  for (const char c : flag)
    variable += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return variable;
}

std::span<const ConfigOption> config_options() {
  return options;
}

std::string render_config_file(const Config& config) {
  std::string text =
      "# gatewayd configuration. Every option is listed with its value and what it does.\n"
      "# Environment variables (GW_NAME, GW_HTTP_PORT, ...) and flags (--name, --http-port, ...)\n"
      "# override this file; `gatewayd --print-config` shows the result.\n";
  std::string_view section;
  for (const auto& option : options) {
    if (option.section.empty()) continue;
    if (option.section != section) {
      section = option.section;
      text += "\n[" + std::string(section) + "]\n";
    }
    text += "# " + std::string(option.help) + "\n";
    text += std::string(option.name) + " = " + option.show(config) + "\n";
  }
  text +=
      "\n# Lookup tables for `lookup TABLE/KEY`, one [[tables]] block each. The file is CSV (with "
      "a\n"
      "# header row) if its name ends in .csv, else JSON (an array of objects, or an object of\n"
      "# objects by key); a relative path is in the data directory. A file is read again when it\n"
      "# changes.\n"
      "# [[tables]]\n# name = \"sensors\"\n# file = \"sensors.csv\"\n# key = \"id\"\n";
  for (const auto& spec : config.tables)
    text += "\n[[tables]]\nname = " + toml_quoted(spec.name) +
            "\nfile = " + toml_quoted(spec.file.string()) + "\nkey = " + toml_quoted(spec.key) +
            "\n";
  text +=
      "\n# Topic history, one [[history]] block per topic filter (none by default): each topic it\n"
      "# matches keeps its last `messages` publications for at most `seconds`, for `history\n"
      "# TOPIC` and for `subscribe FILTER since=...` after a reconnect. Kept in the store.\n"
      "# [[history]]\n# filter = \"home/#\"\n# messages = 100\n# seconds = 3600\n";
  for (const auto& spec : config.history)
    text += "\n[[history]]\nfilter = " + toml_quoted(spec.filter) +
            "\nmessages = " + std::to_string(spec.messages) +
            "\nseconds = " + std::to_string(spec.seconds.count()) + "\n";
  return text + render_mqtt_tables(config);
}

void validate(const Config& config) {
  if (!config.http_port && !config.ws_port && !config.udp_port && !config.tcp_port)
    throw ConfigError(
        "every listener is off (http_port, ws_port, udp_port, tcp_port): "
        "the gateway would serve no one");
  if (config.sessions.poll_wait_max >= config.sessions.session_idle)
    throw ConfigError("sessions.poll_wait_max (" +
                      std::to_string(config.sessions.poll_wait_max.count()) +
                      " s) must be shorter than sessions.idle (" +
                      std::to_string(config.sessions.session_idle.count()) +
                      " s), or a waiting client's session would expire");
  if (config.tls_certificate.empty() != config.tls_private_key.empty())
    throw ConfigError(
        "tls.certificate and tls.private_key go together: set both (or neither, for plain "
        "HTTP, or tls.self_signed)");
  if (config.sessions.request_timeout.count() == 0)
    throw ConfigError("sessions.request_timeout must be at least 1 second");
}

}  // namespace gw::gateway
