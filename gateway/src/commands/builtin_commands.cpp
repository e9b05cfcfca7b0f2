#include <gw/gateway/builtin_commands.hpp>
#include <gw/gateway/gateway.hpp>

#include "command_sets.hpp"
#include "history_commands.hpp"

// The one place that knows both the gateway and its commands: each group is handed the parts
// it uses.
namespace gw::gateway {

void add_builtin_commands(Gateway& gateway) {
  auto& registry = gateway.commands();
  const AskClient ask = [&gateway](const std::shared_ptr<Client>& client, message::Message request,
                                   std::chrono::seconds timeout, OutgoingRequests::Callback done) {
    return gateway.ask(client, std::move(request), timeout, std::move(done));
  };
  add_basic_commands(registry, gateway.services());
  add_session_commands(registry, {.hub = gateway.hub(),
                                  .server = gateway.server(),
                                  .commands = registry,
                                  .codec = gateway.codec()});
  add_messaging_commands(registry, {.hub = gateway.hub(),
                                    .codec = gateway.codec(),
                                    .history = gateway.history(),
                                    .feed_readers = gateway.settings().feed.readers});
  add_history_commands(registry, {.history = gateway.history(),
                                  .reply_bytes = gateway.settings().sessions.poll_reply_bytes});
  add_admin_commands(registry, {.admin_key = gateway.settings().admin_key,
                                .auth_throttle = gateway.auth_throttle(),
                                .hub = gateway.hub(),
                                .server = gateway.server(),
                                .codec = gateway.codec(),
                                .control = gateway.control()});
  add_device_commands(registry, {.identities = gateway.identities(),
                                 .hub = gateway.hub(),
                                 .control = gateway.control(),
                                 .check = [&gateway](std::span<const Device> devices) {
                                   gateway.check_devices(devices);
                                 }});
  add_request_commands(registry, {.hub = gateway.hub(),
                                  .requestables = gateway.requestables(),
                                  .tables = gateway.tables(),
                                  .request_timeout = gateway.settings().sessions.request_timeout,
                                  .ask = ask});
  add_service_commands(registry, {.hub = gateway.hub(),
                                  .services = gateway.services(),
                                  .commands = registry,
                                  .request_timeout = gateway.settings().sessions.request_timeout,
                                  .ask = ask});
}

void add_builtin_requestables(Gateway& gateway) {
  auto& requestables = gateway.requestables();
  requestables.add("time", "The gateway's clock", [] { return clock_json(); });
  requestables.add("version", "The gateway's name, id and version", [&gateway] {
    const auto& server = gateway.server();
    return nlohmann::json{{"name", server.name}, {"id", server.id}, {"version", server.version}};
  });
  requestables.add("periodic", "The operator's periodic services: runs, failures, whether disabled",
                   [&gateway] { return gateway.periodic().list(); });
  requestables.add("tables", "The lookup tables: name, file and key column",
                   [&gateway] { return gateway.tables().list(); });
  requestables.add("stats", "Uptime, clients by transport, deliveries and losses", [&gateway] {
    auto clients = nlohmann::json::object();
    for (const auto kind : transports::all_transport_kinds)
      clients[std::string(transports::to_string(kind))] = gateway.hub().count(kind);
    return nlohmann::json{{"uptime_seconds", gateway.server().uptime_seconds()},
                          {"clients", clients},
                          {"deliveries", gateway.metrics().deliveries()},
                          {"mailbox_dropped", gateway.metrics().mailbox_drops()},
                          {"requests_pending", gateway.outgoing_requests().pending()}};
  });
}

}  // namespace gw::gateway
