#include <gw/discovery/found_gateway.hpp>

namespace gw::discovery {

namespace {
std::string string_at(const nlohmann::json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}
}  // namespace

std::optional<FoundGateway> FoundGateway::from_message(const message::Message& message,
                                                       std::string address, double rtt_ms,
                                                       std::string via) {
  const auto data = message.data.parse();
  if (!data.is_object()) return std::nullopt;
  const auto server = data.find("server");
  if (server == data.end() || !server->is_object()) return std::nullopt;
  FoundGateway found;
  found.id = string_at(*server, "id");
  if (found.id.empty()) return std::nullopt;
  found.name = string_at(*server, "name");
  found.version = string_at(*server, "version");
  found.cluster = string_at(*server, "cluster");
  found.node = string_at(*server, "node");
  found.address = std::move(address);
  const auto endpoints = data.find("endpoints");
  found.endpoints =
      endpoints != data.end() && endpoints->is_object() ? *endpoints : nlohmann::json::object();
  found.rtt_ms = rtt_ms;
  found.via = std::move(via);
  return found;
}

nlohmann::json FoundGateway::to_json() const {
  nlohmann::json json = {
      {"name", name},           {"id", id},         {"version", version}, {"address", address},
      {"endpoints", endpoints}, {"rtt_ms", rtt_ms}, {"via", via}};
  if (!cluster.empty()) {
    json["cluster"] = cluster;
    json["node"] = node;
  }
  return json;
}

}  // namespace gw::discovery
