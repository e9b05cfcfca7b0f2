#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <gw/message/message.hpp>

namespace gw::discovery {

// A gateway that answered with our key: who it is, where it is, and how it was found.
struct FoundGateway {
  std::string name;
  std::string id;
  std::string version;
  std::string address;       // the IPv4 address it answered from
  nlohmann::json endpoints;  // {http, ws, ws_path, udp, tcp}: ports, null when off
  double rtt_ms = 0;         // from sending the request to the answer (0 for a beacon)
  std::string via;           // "probe", "scan" or "announce"
  // Of a cluster: its name and the gateway's in it (the gateways of a cluster act as one).
  std::string cluster;
  std::string node;

  // Reads the {server, endpoints} data of a probe's answer or a beacon; nothing when the
  // message does not carry a server id.
  static std::optional<FoundGateway> from_message(const message::Message& message,
                                                  std::string address, double rtt_ms,
                                                  std::string via);
  // {name, id, version, address, endpoints, rtt_ms, via}, and {cluster, node} in a cluster
  nlohmann::json to_json() const;
};

}  // namespace gw::discovery
