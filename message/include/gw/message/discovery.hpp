#pragma once

#include <string_view>

#include <gw/message/message.hpp>

namespace gw::message {

// The discovery conventions both sides of the wire keep to (docs/protocol.md, "Discovery").

// A probe is a handshake whose args are "probe": the gateway answers with who it is and where
// it listens, and opens no session (a probe is broadcast to every gateway on a LAN).
inline constexpr std::string_view probe_args = "probe";
// A gateway's beacon: same data as a probe's answer, sent unasked to a broadcast port.
inline constexpr std::string_view announce_cmd = "announce";
// Default ports: the gateway's UDP port, which probes go to, and the port beacons go to. They
// differ so that one gateway's beacon is never read as a request by another.
inline constexpr unsigned short default_udp_port = 1234;
inline constexpr unsigned short default_announce_port = 1235;

inline bool is_probe(const Message& message) {
  return message.cmd == "handshake" && message.args == probe_args;
}

}  // namespace gw::message
