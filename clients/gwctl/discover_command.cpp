#include "discover_command.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <gw/discovery/announce_listener.hpp>
#include <gw/discovery/probe.hpp>
#include <gw/discovery/scanner.hpp>
#include <gw/message/discovery.hpp>

#include "discovery_options.hpp"
#include "gateway_list.hpp"
#include "key_options.hpp"

namespace gw::gwctl {

namespace {

using Clock = std::chrono::steady_clock;

struct DiscoverOptions {
  KeyOptions keys;
  bool probe = false;
  bool listen = false;
  bool json = false;
  bool allow_large = false;
  std::vector<std::string> networks;
  CLI::Option* scan = nullptr;
  std::vector<std::string> interfaces;
  std::optional<std::uint16_t> port;
  std::uint16_t udp_port = message::default_udp_port;
  std::uint16_t http_port = 5000;
  std::uint16_t announce_port = message::default_announce_port;
  std::optional<double> timeout;  // seconds; each method has its own default
  double connect_timeout = 0.25;
  std::size_t in_flight = 256;
  std::string name = "gwctl";
};

// "0.27 s"
std::string seconds_since(Clock::time_point start) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s",
                std::chrono::duration<double>(Clock::now() - start).count());
  return text;
}

// "\rscanning 120/254 addresses, 1 found" on a terminal, at most 20 times a second.
class ProgressLine {
 public:
  ProgressLine() : enabled_(isatty(STDERR_FILENO) == 1) {}
  void show(const discovery::ScanProgress& progress) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (progress.done != progress.total && now - shown_ < std::chrono::milliseconds(50)) return;
    shown_ = now;
    std::cerr << "\rscanning " << progress.done << "/" << progress.total << " addresses, "
              << progress.found << " found" << std::flush;
  }
  void clear() {
    if (enabled_) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  bool enabled_;
  Clock::time_point shown_{};
};

std::vector<discovery::Cidr> networks_to_scan(const DiscoverOptions& options) {
  std::vector<discovery::Cidr> networks;
  for (const auto& text : options.networks)
    if (!text.empty()) networks.push_back(discovery::Cidr::parse(text));  // --scan alone: ""

  if (!networks.empty()) return networks;
  networks = discovery::networks_of(chosen_interfaces(options.interfaces));
  if (networks.empty())
    throw std::invalid_argument(
        "no network to scan: no interface is up besides loopback; name one, such as --scan "
        "192.168.1.0/24");
  return networks;
}

// Applies --port to the one method chosen.
std::optional<std::string> apply_port(DiscoverOptions& options) {
  if (!options.port) return std::nullopt;
  const int methods = int(options.probe) + int(options.scan->count() > 0) + int(options.listen);
  if (methods > 1)
    return "--port names the port of one method; with several, give --udp-port, --http-port "
           "and --announce-port";
  if (options.listen)
    options.announce_port = *options.port;
  else if (options.scan->count() > 0)
    options.http_port = *options.port;
  else
    options.udp_port = *options.port;
  return std::nullopt;
}

int run_discover(DiscoverOptions& options) {
  int exit_code = exit_ok;
  const auto keys = options.keys.load_or_report("discover", exit_code);
  if (!keys) return exit_code;
  const bool scan = options.scan->count() > 0;
  if (!options.probe && !scan && !options.listen) options.probe = true;
  if (auto problem = apply_port(options)) {
    std::cerr << "gwctl discover: " << *problem << '\n';
    return exit_usage;
  }
  GatewayList list(std::cout, options.json);
  const auto add = [&list](const discovery::FoundGateway& gateway) {
    list.add(gateway);
    return true;
  };
  std::string summary;
  try {
    if (options.probe) {
      const auto start = Clock::now();
      discovery::BroadcastOptions probe;
      probe.interfaces = chosen_interfaces(options.interfaces);
      probe.port = options.udp_port;
      probe.timeout = milliseconds_of(options.timeout.value_or(1.0));
      probe.user = options.name;
      print_warnings("discover", discovery::probe(*keys, probe, add));
      summary += "probe of UDP port " + std::to_string(probe.port) + " " + seconds_since(start);
    }
    if (scan) {
      const auto start = Clock::now();
      discovery::ScanOptions scan_options;
      scan_options.networks = networks_to_scan(options);
      scan_options.port = options.http_port;
      scan_options.connect_timeout = milliseconds_of(options.connect_timeout);
      scan_options.in_flight = options.in_flight;
      scan_options.allow_large = options.allow_large;
      scan_options.user = options.name;
      ProgressLine progress;
      const auto done = discovery::scan(
          *keys, scan_options,
          [&](const discovery::FoundGateway& gateway) {
            progress.clear();
            return add(gateway);
          },
          [&](const discovery::ScanProgress& now) { progress.show(now); });
      progress.clear();
      summary += std::string(summary.empty() ? "" : ", ") + "scan of " +
                 std::to_string(done.total) + " addresses on TCP port " +
                 std::to_string(scan_options.port) + " " + seconds_since(start);
    }
    if (options.listen) {
      discovery::ListenOptions listen;
      listen.port = options.announce_port;
      listen.timeout = milliseconds_of(options.timeout.value_or(6.0));
      const auto start = Clock::now();
      discovery::listen_for_announcements(*keys, listen, add);
      summary += std::string(summary.empty() ? "" : ", ") + "listened on UDP port " +
                 std::to_string(listen.port) + " for " + seconds_since(start);
    }
  } catch (const discovery::NetworkTooLarge& error) {
    std::cerr << "gwctl discover: " << error.what() << " (--allow-large)\n";
    return exit_usage;
  } catch (const std::invalid_argument& error) {
    std::cerr << "gwctl discover: " << error.what() << '\n';
    return exit_usage;
  }
  std::cerr << list.size() << (list.size() == 1 ? " gateway" : " gateways") << " found (" << summary
            << ")\n";
  return list.size() > 0 ? exit_ok : exit_unreachable;
}

}  // namespace

Command add_discover_command(CLI::App& app) {
  auto options = std::make_shared<DiscoverOptions>();
  auto* cmd = app.add_subcommand(
      "discover", "Find gateways on the LAN that hold our key: by probe, subnet scan or beacons");
  options->keys.add_to(*cmd);
  cmd->add_flag("--probe", options->probe,
                "broadcast a probe on each interface and collect answers (the default method)");
  options->scan =
      cmd->add_option("--scan", options->networks,
                      "connect to the HTTP port of every address of these networks (default: "
                      "the networks of the interfaces)")
          ->expected(0, -1)
          ->type_name("[CIDR ...]");
  cmd->add_flag("--listen", options->listen, "listen for the gateways' announce beacons");
  cmd->add_option("--interface", options->interfaces,
                  "probe from, or scan the network of, this interface (repeatable; default: all "
                  "up but loopback)")
      ->type_name("NAME");
  cmd->add_option("--port", options->port,
                  "the port of the method chosen: UDP for --probe (1234), HTTP for --scan "
                  "(5000), beacons for --listen (1235)");
  cmd->add_option("--udp-port", options->udp_port, "the gateways' UDP port, for --probe");
  cmd->add_option("--http-port", options->http_port, "the gateways' HTTP port, for --scan");
  cmd->add_option("--announce-port", options->announce_port, "the beacons' port, for --listen");
  cmd->add_option("--timeout", options->timeout,
                  "seconds to collect probe answers (default 1) or to listen (default 6)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--connect-timeout", options->connect_timeout,
                  "seconds to wait for each connection while scanning (default 0.25)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--in-flight", options->in_flight,
                  "connections open at once while scanning (default 256)")
      ->check(CLI::Range(1, 4096));
  cmd->add_flag("--allow-large", options->allow_large,
                "scan networks larger than a /22 (1,024 addresses)");
  cmd->add_option("--name", options->name, "the userID the probes carry (default gwctl)");
  cmd->add_flag("--json", options->json, "one JSON object per gateway, one per line");
  cmd->footer(
      "Only gateways that answer under our key are reported. Exit code 3 when none is found.\n"
      "Examples:\n"
      "  gwctl discover --key-file gw.key                      probe every LAN\n"
      "  gwctl discover --key-file gw.key --scan 192.168.1.0/24 --json\n"
      "  gwctl discover --key-file gw.key --listen --timeout 30\n"
      "  gwctl discover --key-file gw.key --probe --scan --interface eth0");
  return {cmd, [options] { return run_discover(*options); }};
}

}  // namespace gw::gwctl
