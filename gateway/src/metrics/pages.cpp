#include "pages.hpp"

#include <algorithm>
#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include <gw/gateway/gateway.hpp>

#include "stats_feed.hpp"

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
  const auto* bridges = gateway.bridges();
  const auto bridge_problem = bridges ? bridges->problem() : std::string();
  const auto status = gateway.stopping()                                  ? "stopping"
                      : cluster_problem.empty() && bridge_problem.empty() ? "ok"
                                                                          : "degraded";
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
  if (bridges) body["mqtt"] = bridges->status();
  return {gateway.stopping() ? 503 : 200, "application/json", body.dump() + "\n"};
}

// The ping service's round trips: over the clients it measured, how many, the mean and the most.
std::string round_trip_metrics(const Hub& hub) {
  std::size_t measured = 0;
  double total = 0, most = 0;
  for (const auto& client : hub.everyone()) {
    const auto round_trip = client->round_trip();
    if (!round_trip) continue;
    const double seconds = std::chrono::duration<double>(*round_trip).count();
    ++measured;
    total += seconds;
    most = std::max(most, seconds);
  }
  const double mean = measured ? total / static_cast<double>(measured) : 0;
  return "# HELP gw_clients_round_trip_seconds Round trips the ping service measured, over the "
         "clients that answer its pings: the mean and the largest.\n"
         "# TYPE gw_clients_round_trip_seconds gauge\n"
         "gw_clients_round_trip_seconds{stat=\"mean\"} " +
         std::to_string(mean) +
         "\n"
         "gw_clients_round_trip_seconds{stat=\"max\"} " +
         std::to_string(most) +
         "\n"
         "# HELP gw_clients_round_trip_measured Clients whose round trip the ping service "
         "measured.\n"
         "# TYPE gw_clients_round_trip_measured gauge\n"
         "gw_clients_round_trip_measured " +
         std::to_string(measured) + "\n";
}

}  // namespace

// What the $gw feed published: it stays at 0 while nobody reads the feed.
std::string feed_metrics(const StatsFeed& feed) {
  return "# HELP gw_feed_published_total Messages the $gw feed published to its readers.\n"
         "# TYPE gw_feed_published_total counter\n"
         "gw_feed_published_total " +
         std::to_string(feed.published()) + "\n";
}

HttpPage serve_page(Gateway& gateway, std::string_view path) {
  if (path == "/healthz") return health(gateway);
  if (path == "/metrics")
    return {200, "text/plain; version=0.0.4; charset=utf-8",
            gateway.metrics().render(gateway.server(), gateway.transport_stats()) +
                round_trip_metrics(gateway.hub()) + feed_metrics(gateway.feed()) +
                (gateway.hub().cluster() ? gateway.hub().cluster()->metrics_text() : "") +
                (gateway.bridges() ? gateway.bridges()->metrics() : "")};
  if (const auto& files = gateway.files())
    if (auto file = files(path == "/index.html" ? "/" : path)) return std::move(*file);
  // The path is not echoed: an error page says nothing a link could have put into it.
  return {404, "text/plain; charset=utf-8",
          "no such page; the gateway serves /, /healthz, /metrics, POST /message and /ws\n"};
}

}  // namespace gw::gateway
