#include <nlohmann/json.hpp>

#include <gw/gateway/gateway.hpp>
#include <gw/gateway/pages.hpp>

namespace gw::gateway {

namespace {

using transports::HttpPage;
using transports::TransportKind;

std::string html_escaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

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
  const nlohmann::json body = {{"status", gateway.stopping() ? "stopping" : "ok"},
                               {"name", server.name},
                               {"id", server.id},
                               {"version", server.version},
                               {"uptime_seconds", server.uptime_seconds()},
                               {"connections", connections},
                               {"clients", clients}};
  return {gateway.stopping() ? 503 : 200, "application/json", body.dump() + "\n"};
}

HttpPage start_page(Gateway& gateway) {
  const auto& server = gateway.server();
  const auto name = html_escaped(server.name);
  std::string body = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                     name + " · gw</title></head>\n<body>\n<h1>" + name + "</h1>\n<p>gw gateway " +
                     html_escaped(server.version) + ", id <code>" + html_escaped(server.id) +
                     "</code>.</p>\n<p>Endpoints: <code>" +
                     html_escaped(server.endpoints_json().dump()) +
                     "</code></p>\n<p><a href=\"/healthz\">/healthz</a> · "
                     "<a href=\"/metrics\">/metrics</a> · POST a token to <code>/message</code> · "
                     "WebSocket at <code>/ws</code></p>\n</body></html>\n";
  return {200, "text/html; charset=utf-8", std::move(body)};
}

}  // namespace

HttpPage serve_page(Gateway& gateway, std::string_view path) {
  if (path == "/healthz") return health(gateway);
  if (path == "/metrics")
    return {200, "text/plain; version=0.0.4; charset=utf-8",
            gateway.metrics().render(gateway.server(), gateway.transport_stats())};
  if (path == "/" || path == "/index.html") return start_page(gateway);
  return {404, "text/plain; charset=utf-8", "no page at " + std::string(path) + "\n"};
}

}  // namespace gw::gateway
