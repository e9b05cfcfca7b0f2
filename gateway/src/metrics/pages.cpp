#include "pages.hpp"

#include <nlohmann/json.hpp>

#include <gw/gateway/gateway.hpp>

namespace gw::gateway {

namespace {

using transports::HttpPage;
using transports::TransportKind;

HttpPage health(Gateway& gateway) {
  const auto& stats = gateway.transport_stats();
  auto connections = nlohmann::json::object();
  auto clients = nlohmann::json::object();
  for (const auto kind : transports::all_transport_kinds) {
    const auto name = std::string(transports::to_string(kind));
    connections[name] = stats[kind].sessions_open.load(std::memory_order_relaxed);
    clients[name] = gateway.hub().count(kind);
  }
  const auto& server = gateway.server();
  // Degraded, not down: a gateway cut off from its cluster goes on serving its own clients.
  const auto* cluster = gateway.hub().cluster();
  const auto cluster_problem = cluster ? cluster->problem() : std::string();
  const auto status = gateway.stopping() ? "stopping" : cluster_problem.empty() ? "ok" : "degraded";
  nlohmann::json body = {{"status", status},
                         {"name", server.name},
                         {"id", server.id},
                         {"version", server.version},
                         {"uptime_seconds", server.uptime_seconds()},
                         {"connections", connections},
                         {"clients", clients}};
  if (cluster)
    body["cluster"] = {
        {"node", cluster->node()},
        {"nodes", cluster->nodes().size()},
        {"problem", cluster_problem.empty() ? nlohmann::json() : nlohmann::json(cluster_problem)}};
  return {gateway.stopping() ? 503 : 200, "application/json", body.dump() + "\n"};
}

}  // namespace

HttpPage serve_page(Gateway& gateway, std::string_view path) {
  if (path == "/healthz") return health(gateway);
  if (path == "/metrics")
    return {200, "text/plain; version=0.0.4; charset=utf-8",
            gateway.metrics().render(gateway.server(), gateway.transport_stats()) +
                (gateway.hub().cluster() ? gateway.hub().cluster()->metrics_text() : "")};
  if (const auto& files = gateway.files())
    if (auto file = files(path == "/index.html" ? "/" : path)) return std::move(*file);
  // The path is not echoed: an error page says nothing a link could have put into it.
  return {404, "text/plain; charset=utf-8",
          "no such page; the gateway serves /, /healthz, /metrics, POST /message and /ws\n"};
}

}  // namespace gw::gateway
