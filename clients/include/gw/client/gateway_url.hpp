#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gw::client {

enum class Scheme { http, ws, udp, tcp };

// Where a gateway is: http://HOST[:PORT], ws://HOST[:PORT][/PATH], udp://HOST[:PORT],
// tcp://HOST[:PORT], and https:// and wss:// for HTTP and WebSocket over TLS (on the same
// ports). A missing port is the gateway's default for that transport (5000, 8000, 1234, 5001);
// a missing WebSocket path is /ws. IPv6 hosts are written in brackets.
struct GatewayUrl {
  Scheme scheme = Scheme::ws;
  bool tls = false;  // https or wss
  std::string host;
  std::uint16_t port = 0;
  std::string path;  // WebSocket only

  // ClientError(bad_url) saying what is wrong.
  static GatewayUrl parse(std::string_view text);
  std::string to_string() const;
};

std::string_view to_string(Scheme scheme) noexcept;
// "https" and "wss" for TLS, else as to_string(scheme).
std::string_view scheme_name(Scheme scheme, bool tls) noexcept;
std::uint16_t default_port(Scheme scheme) noexcept;

}  // namespace gw::client
