#include "query_commands.hpp"

#include <iomanip>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "gateway_options.hpp"

namespace gw::gwctl {

namespace {

std::string text_of(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

int print_clients(const message::Message& reply, bool json) {
  const auto clients = reply.data.parse();
  if (reply.code.value_or(0) != 200 || !clients.is_array())
    return print_reply("clients", reply, json);
  if (json) {
    for (const auto& entry : clients)
      std::cout << entry.dump() << '\n';
    std::cout << std::flush;
    return 0;
  }
  std::cout << std::left << std::setw(8) << "ID" << std::setw(20) << "NAME" << std::setw(11)
            << "TRANSPORT" << std::setw(24) << "ADDRESS"
            << "SUBSCRIPTIONS\n";
  for (const auto& entry : clients) {
    std::string subscriptions;
    for (const auto& filter : entry.value("subscriptions", nlohmann::json::array()))
      subscriptions += (subscriptions.empty() ? "" : " ") + text_of(filter);
    std::cout << std::setw(8) << text_of(entry.value("id", nlohmann::json(""))) << std::setw(20)
              << text_of(entry.value("name", nlohmann::json(""))) << std::setw(11)
              << text_of(entry.value("transport", nlohmann::json(""))) << std::setw(24)
              << text_of(entry.value("address", nlohmann::json(""))) << subscriptions << '\n';
  }
  std::cout << std::flush;
  return 0;
}

// get and lookup: the data as "key: value" lines, or the reply's JSON.
int print_data(const char* command, const message::Message& reply, bool json) {
  const auto data = reply.data.parse();
  if (json || reply.code.value_or(0) != 200 || !data.is_object())
    return print_reply(command, reply, json);
  for (const auto& [key, value] : data.items())
    std::cout << key << ": " << text_of(value) << '\n';
  std::cout << std::flush;
  return 0;
}

struct QueryOptions {
  GatewayOptions gateway;
  std::string argument;
};

Command add_query(CLI::App& app, const char* name, const char* description,
                  const char* argument_help, const char* footer,
                  int (*print)(const char*, const message::Message&, bool)) {
  auto options = std::make_shared<QueryOptions>();
  auto* cmd = app.add_subcommand(name, description);
  options->gateway.add_to(*cmd);
  if (argument_help) cmd->add_option("argument", options->argument, argument_help)->required();
  cmd->footer(footer);
  return {cmd, [options, name, print] {
            return with_client(name, options->gateway, [&](client::Client& client) {
              message::Message request;
              request.cmd = name;
              request.args = options->argument;
              return print(name, client.request(request), options->gateway.json);
            });
          }};
}

}  // namespace

Command add_clients_command(CLI::App& app) {
  return add_query(app, "clients", "List the clients of the gateway", nullptr,
                   "Prints ID, NAME, TRANSPORT, ADDRESS and SUBSCRIPTIONS, or with --json one\n"
                   "object per client.\nExample:\n  gwctl clients --key-file gw.key",
                   [](const char*, const message::Message& reply, bool json) {
                     return print_clients(reply, json);
                   });
}

Command add_get_command(CLI::App& app) {
  return add_query(app, "get", "Ask the gateway for a requestable: time, version, stats, ...",
                   "the requestable's name",
                   "Examples:\n  gwctl get stats --key-file gw.key\n  gwctl get version --json",
                   print_data);
}

Command add_lookup_command(CLI::App& app) {
  return add_query(app, "lookup", "Read one row of a lookup table", "TABLE/KEY",
                   "Example:\n  gwctl lookup devices/lamp-1 --key-file gw.key", print_data);
}

}  // namespace gw::gwctl
