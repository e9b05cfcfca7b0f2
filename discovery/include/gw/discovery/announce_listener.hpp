#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include <gw/discovery/probe.hpp>
#include <gw/message/discovery.hpp>
#include <gw/message/key_ring.hpp>

namespace gw::discovery {

struct ListenOptions {
  std::uint16_t port = message::default_announce_port;
  std::string bind = "0.0.0.0";  // the wildcard hears the broadcasts of every interface
  std::chrono::milliseconds timeout{6000};
};

// Listens for gateways' beacons until the timeout and calls `on_found` once for each gateway
// (by server id) whose beacon is under our key; anything else is ignored. Returns the number of
// datagrams ignored. std::system_error when the port cannot be bound.
std::size_t listen_for_announcements(const message::KeyRing& keys, const ListenOptions& options,
                                     const OnFound& on_found);

}  // namespace gw::discovery
