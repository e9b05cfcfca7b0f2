#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gw::transports {

// Why an upgrade request is not answered with a WebSocket (RFC 6455, 4.2.2): the status and
// the body that says what was wrong.
struct UpgradeRefusal {
  int status = 400;
  std::string_view text;
  bool wrong_version = false;  // a 426 that names the version served (served_websocket_version)
};

// The one version of the protocol served, for Sec-WebSocket-Version.
inline constexpr std::string_view served_websocket_version = "13";

// Checks the two headers of an upgrade request that only a WebSocket client sends (the
// method, Upgrade and Connection were checked first): the client's key, 16 bytes in base64,
// and the version. Nothing when the upgrade can be accepted.
std::optional<UpgradeRefusal> refused_upgrade(std::string_view key, std::string_view version);

// The 101 response that accepts an upgrade with `key`, whole: its Sec-WebSocket-Accept is the
// SHA-1 of the key and the protocol's GUID, in base64. No subprotocol or extension is agreed.
std::string switching_protocols(std::string_view key);

}  // namespace gw::transports
