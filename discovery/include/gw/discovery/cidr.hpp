#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address_v4.hpp>

namespace gw::discovery {

// An IPv4 network such as 192.168.1.0/24. Host bits given in the text are cleared:
// 192.168.1.7/24 is the network 192.168.1.0/24; an address alone is a /32.
class Cidr {
 public:
  using Address = boost::asio::ip::address_v4;

  Cidr(Address address, unsigned prefix);
  // std::invalid_argument saying what is wrong with the text.
  static Cidr parse(std::string_view text);

  Address network() const noexcept { return network_; }
  unsigned prefix() const noexcept { return prefix_; }
  // Every address in the network, 2^(32 - prefix).
  std::uint64_t size() const noexcept { return std::uint64_t{1} << (32 - prefix_); }
  // The addresses a host can have: all but the network and broadcast addresses, except on
  // /31 and /32 networks, which have none of either.
  std::vector<Address> hosts() const;
  std::string to_string() const;
  bool operator==(const Cidr&) const = default;

 private:
  Address network_;
  unsigned prefix_;
};

}  // namespace gw::discovery
