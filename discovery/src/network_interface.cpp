#include <algorithm>
#include <bit>
#include <ifaddrs.h>
#include <memory>
#include <net/if.h>
#include <netinet/in.h>
#include <stdexcept>
#include <system_error>

#include <gw/discovery/network_interface.hpp>

namespace gw::discovery {

namespace {
NetworkInterface::Address ipv4_of(const sockaddr* address) {
  const auto* in = reinterpret_cast<const sockaddr_in*>(address);
  return NetworkInterface::Address(ntohl(in->sin_addr.s_addr));
}
}  // namespace

unsigned NetworkInterface::prefix_length() const noexcept {
  return static_cast<unsigned>(std::popcount(netmask.to_uint()));
}

std::vector<NetworkInterface> list_interfaces() {
  ifaddrs* raw = nullptr;
  if (getifaddrs(&raw) != 0)
    throw std::system_error(errno, std::generic_category(), "cannot list network interfaces");
  const std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> list(raw, freeifaddrs);
  std::vector<NetworkInterface> interfaces;
  for (const auto* entry = raw; entry != nullptr; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) continue;
    if ((entry->ifa_flags & IFF_UP) == 0) continue;
    NetworkInterface interface;
    interface.name = entry->ifa_name;
    interface.address = ipv4_of(entry->ifa_addr);
    if (entry->ifa_netmask != nullptr) interface.netmask = ipv4_of(entry->ifa_netmask);
    interface.loopback = (entry->ifa_flags & IFF_LOOPBACK) != 0;
    if ((entry->ifa_flags & IFF_BROADCAST) != 0 && entry->ifa_broadaddr != nullptr)
      interface.broadcast = ipv4_of(entry->ifa_broadaddr);
    interfaces.push_back(std::move(interface));
  }
  return interfaces;
}

std::vector<NetworkInterface> select_interfaces(const std::vector<NetworkInterface>& all,
                                                const std::vector<std::string>& names) {
  std::vector<NetworkInterface> chosen;
  for (const auto& interface : all) {
    const bool named = std::find(names.begin(), names.end(), interface.name) != names.end();
    if (names.empty() ? !interface.loopback : named) chosen.push_back(interface);
  }
  for (const auto& name : names) {
    const auto found = std::any_of(chosen.begin(), chosen.end(),
                                   [&](const NetworkInterface& i) { return i.name == name; });
    if (found) continue;
    std::vector<std::string> known;
    for (const auto& interface : all)
      if (std::find(known.begin(), known.end(), interface.name) == known.end())
        known.push_back(interface.name);
    std::string list;
    for (const auto& known_name : known)
      list += (list.empty() ? "" : ", ") + known_name;
    throw std::invalid_argument("no up interface '" + name + "' with an IPv4 address (there are: " +
                                (list.empty() ? "none" : list) + ")");
  }
  return chosen;
}

std::vector<Cidr> networks_of(const std::vector<NetworkInterface>& interfaces) {
  std::vector<Cidr> networks;
  for (const auto& interface : interfaces)
    if (std::find(networks.begin(), networks.end(), interface.network()) == networks.end())
      networks.push_back(interface.network());
  return networks;
}

}  // namespace gw::discovery
