#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/address_v4.hpp>

#include <gw/discovery/cidr.hpp>

namespace gw::discovery {

// One IPv4 address of an interface that is up, as the kernel reports it (getifaddrs): nothing
// is learnt by sending traffic anywhere.
struct NetworkInterface {
  using Address = boost::asio::ip::address_v4;

  std::string name;
  Address address;
  Address netmask;
  std::optional<Address> broadcast;  // none on loopback and point-to-point links
  bool loopback = false;

  unsigned prefix_length() const noexcept;
  Cidr network() const { return Cidr(address, prefix_length()); }
};

// Every up interface's IPv4 addresses, loopback included, in the kernel's order.
std::vector<NetworkInterface> list_interfaces();

// The interfaces named in `names`, or when `names` is empty every one but loopback.
// std::invalid_argument for a name that has no up IPv4 address, listing those that do.
std::vector<NetworkInterface> select_interfaces(const std::vector<NetworkInterface>& all,
                                                const std::vector<std::string>& names);

// The networks of the interfaces, each once, in the interfaces' order: what a scan covers by
// default.
std::vector<Cidr> networks_of(const std::vector<NetworkInterface>& interfaces);

}  // namespace gw::discovery
