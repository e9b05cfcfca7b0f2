#pragma once

#include <optional>
#include <string>

#include <gw/client/gateway_url.hpp>
#include <gw/discovery/probe.hpp>
#include <gw/discovery/scanner.hpp>
#include <gw/message/key_ring.hpp>

namespace gw::client {

// How to look for a gateway when no URL is given: a broadcast probe first, then a subnet scan.
struct FindOptions {
  bool probe = true;
  discovery::BroadcastOptions broadcast;  // empty interfaces: every up one but loopback
  bool scan = true;
  discovery::ScanOptions scan_options;  // empty networks: those of the probe's interfaces
  Scheme transport = Scheme::ws;        // the endpoint to connect to, when the gateway has it
};

// The URL of the first gateway that answers with our key, or nothing. Exceptions as
// discovery::probe and discovery::scan.
std::optional<std::string> find_gateway(const message::KeyRing& keys, FindOptions options);

}  // namespace gw::client
