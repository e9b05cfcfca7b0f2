#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <gw/discovery/found_gateway.hpp>
#include <gw/discovery/network_interface.hpp>
#include <gw/message/discovery.hpp>
#include <gw/message/key_ring.hpp>
#include <gw/message/message.hpp>

namespace gw::discovery {

// Called for each gateway found; returning false ends the search early.
using OnFound = std::function<bool(const FoundGateway&)>;

// Where and how long a broadcast goes.
struct BroadcastOptions {
  // Sent from each of these, to 255.255.255.255 and to its own broadcast address.
  std::vector<NetworkInterface> interfaces;
  std::uint16_t port = message::default_udp_port;  // the gateways' UDP port
  std::chrono::milliseconds timeout{1000};         // how long answers are collected
  std::string user = "gw-discovery";               // the userID the request carries
};

// Broadcasts a probe (a handshake with args "probe") and calls `on_found` once for each gateway
// that answers with our key, de-duplicated by server id. Returns warnings for interfaces that
// could not send; std::runtime_error when none could, std::invalid_argument when there is no
// interface with a broadcast address to send from.
std::vector<std::string> probe(const message::KeyRing& keys, const BroadcastOptions& options,
                               const OnFound& on_found);

// One gateway's answer to a broadcast request.
struct BroadcastReply {
  std::string address;  // the IPv4 address and port it came from
  std::uint16_t port = 0;
  message::Message reply;
  double rtt_ms = 0;
};

// Broadcasts any request the same way and calls `on_reply` once for each gateway's answer
// (matched by the request's id, which is set when empty; de-duplicated by source address).
// Returns warnings as probe() does.
std::vector<std::string> broadcast_request(
    const message::KeyRing& keys, message::Message request, const BroadcastOptions& options,
    const std::function<bool(const BroadcastReply&)>& on_reply);

}  // namespace gw::discovery
