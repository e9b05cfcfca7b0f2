#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gw::gateway {

// A client id as the hub makes them: "c7", a part of the gateway's own "mqtt:7", and in a
// cluster either of them followed by "@NODE".
struct ClientId {
  std::string_view part;  // "mqtt" for "mqtt:7"; empty for "c7"
  std::uint64_t number = 0;
  std::string_view node;  // empty outside a cluster
};

// The pieces of `text` when it has the shape of a client id (whether or not such a client
// exists); nothing otherwise. Names are never shaped so (check_client_name), so a text that
// parses can only be an id.
std::optional<ClientId> parse_client_id(std::string_view text);

// True when `text` is an id made by the gateway of cluster node `node`.
bool is_client_id_of(std::string_view text, std::string_view node);

}  // namespace gw::gateway
