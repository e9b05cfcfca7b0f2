#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace gw::gateway {

// [cluster]: several gateways acting as one through NATS. Off (no servers) by default: a lone
// gateway needs nothing else.
struct ClusterSettings {
  // NATS servers, nats://HOST:PORT (or tls://); empty: not in a cluster.
  std::vector<std::string> nats;
  // The cluster's name: gateways of one name act as one; subjects and buckets carry it.
  std::string name = "gw";
  // This gateway's name in the cluster, unique in it; empty: the gateway's name.
  std::string node;
  // NATS credentials: a user and password, a token, or a .creds file (relative: to data_dir).
  std::string user;
  std::string password;
  std::string token;
  std::filesystem::path credentials;
  // Certificate authorities that sign the NATS servers' certificates (PEM): TLS to NATS.
  std::filesystem::path tls_ca;
  // Copies JetStream keeps of the cluster's names, sessions and mailboxes: 1 for one NATS
  // server, 3 for a NATS cluster.
  int replicas = 1;
  // The host clients reach this gateway at, told to them for failover; empty: the address it
  // listens on, unless that is every address (then clients keep the host they know).
  std::string advertise;

  bool enabled() const { return !nats.empty(); }
};

// Why `text` cannot be a cluster or node name (letters, digits, '-' and '_', 1 to 32), or
// nothing: both appear in NATS subjects and bucket names as they are.
std::string cluster_name_problem(std::string_view text);

}  // namespace gw::gateway
