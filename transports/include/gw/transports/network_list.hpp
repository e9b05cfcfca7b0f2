#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gw::transports {

// A list of IPv4 and IPv6 networks ("10.0.0.0/8, fd00::/8, 192.168.1.7"), such as the trusted
// networks that per-address limits do not apply to. Empty by default: nothing matches.
class NetworkList {
 public:
  // Comma-separated networks in CIDR notation; a bare address is a network of one. The
  // complaint names the item that is wrong.
  static std::optional<NetworkList> parse(std::string_view text, std::string& complaint);

  // Whether the address (an IP literal, without port or brackets) lies in one of the networks.
  bool contains(std::string_view address) const;
  bool empty() const noexcept { return networks_.empty(); }
  // As parse() takes it, normalised: "10.0.0.0/8, ::1/128".
  std::string to_string() const;

 private:
  struct Network {
    std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first 4
    unsigned prefix = 0;
    bool v4 = true;
  };
  std::vector<Network> networks_;
};

}  // namespace gw::transports
