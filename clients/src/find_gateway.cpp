#include <gw/client/find_gateway.hpp>
#include <gw/discovery/network_interface.hpp>

namespace gw::client {

namespace {

// The gateway's endpoint for `wanted`, else the first it has in the order ws, tcp, http, udp.
std::optional<std::string> url_of(const discovery::FoundGateway& found, Scheme wanted) {
  const auto port_of = [&](Scheme scheme) -> std::optional<int> {
    const auto& value = found.endpoints.value(std::string(to_string(scheme)), nlohmann::json());
    if (!value.is_number_integer()) return std::nullopt;
    return value.get<int>();
  };
  for (const auto scheme : {wanted, Scheme::ws, Scheme::tcp, Scheme::http, Scheme::udp}) {
    const auto port = port_of(scheme);
    if (!port) continue;
    const bool tls =
        found.endpoints.value("tls", false) && (scheme == Scheme::http || scheme == Scheme::ws);
    auto url =
        std::string(scheme_name(scheme, tls)) + "://" + found.address + ":" + std::to_string(*port);
    if (scheme == Scheme::ws) url += found.endpoints.value("ws_path", std::string("/ws"));
    return url;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> find_gateway(const message::KeyRing& keys, FindOptions options) {
  std::optional<std::string> url;
  const auto take_first = [&](const discovery::FoundGateway& found) {
    url = url_of(found, options.transport);
    return !url;  // keep looking only while none usable was found
  };
  if (options.broadcast.interfaces.empty())
    options.broadcast.interfaces = discovery::select_interfaces(discovery::list_interfaces(), {});
  if (options.probe && !options.broadcast.interfaces.empty()) {
    discovery::probe(keys, options.broadcast, take_first);
    if (url) return url;
  }
  if (!options.scan) return std::nullopt;
  auto& networks = options.scan_options.networks;
  if (networks.empty()) networks = discovery::networks_of(options.broadcast.interfaces);
  if (!networks.empty()) discovery::scan(keys, options.scan_options, take_first);
  return url;
}

}  // namespace gw::client
