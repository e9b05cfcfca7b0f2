#include "gateway_list.hpp"

#include <cstdio>

namespace gw::gwctl {

namespace {

std::string port_text(const nlohmann::json& endpoints, const char* key) {
  const auto found = endpoints.find(key);
  return found != endpoints.end() && found->is_number_integer() ? found->dump() : "-";
}

std::string row(const std::string& name, const std::string& address, const std::string& http,
                const std::string& ws, const std::string& udp, const std::string& tcp,
                const std::string& via, const std::string& rtt, const std::string& id) {
  char line[512];
  std::snprintf(line, sizeof line, "%-20s %-15s %-5s %-5s %-5s %-5s %-8s %8s  %s", name.c_str(),
                address.c_str(), http.c_str(), ws.c_str(), udp.c_str(), tcp.c_str(), via.c_str(),
                rtt.c_str(), id.c_str());
  return line;
}

}  // namespace

bool GatewayList::add(const discovery::FoundGateway& gateway) {
  if (!ids_.insert(gateway.cluster.empty() ? gateway.id : "cluster " + gateway.cluster).second)
    return false;
  if (json_) {
    out_ << gateway.to_json().dump() << std::endl;
    return true;
  }
  if (!header_printed_) {
    out_ << row("NAME", "ADDRESS", "HTTP", "WS", "UDP", "TCP", "FOUND BY", "RTT", "ID") << '\n';
    header_printed_ = true;
  }
  char rtt[32];
  if (gateway.via == "announce")
    std::snprintf(rtt, sizeof rtt, "-");
  else
    std::snprintf(rtt, sizeof rtt, "%.1f ms", gateway.rtt_ms);
  const auto& endpoints = gateway.endpoints;
  const auto name = gateway.cluster.empty() ? gateway.name : gateway.cluster + "/" + gateway.node;
  out_ << row(name, gateway.address, port_text(endpoints, "http"), port_text(endpoints, "ws"),
              port_text(endpoints, "udp"), port_text(endpoints, "tcp"), gateway.via, rtt,
              gateway.id)
       << std::endl;
  return true;
}

}  // namespace gw::gwctl
