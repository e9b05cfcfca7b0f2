#include "device_command.hpp"

#include <deque>
#include <iomanip>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include <gw/client/gateway_url.hpp>
#include <gw/message/private_file.hpp>

#include "gateway_options.hpp"

namespace gw::gwctl {

namespace {

struct DeviceOptions {
  // Each verb's own: a key option knows the one command it was registered with.
  std::deque<std::pair<CLI::App*, GatewayOptions>> verbs;
  const GatewayOptions* gateway = nullptr;  // the verb's that was given
  std::string name;
  std::vector<std::string> publish, subscribe, send, commands, requestables, tables, provide, call;
  bool admin = false;
  std::string description;
  std::string key_out;  // add and rotate: also write the new key to this new file (0600)
};

std::string list_text(const nlohmann::json& list) {
  std::string text;
  for (const auto& item : list)
    text += (text.empty() ? "" : " ") + (item.is_string() ? item.get<std::string>() : item.dump());
  return text.empty() ? "-" : text;
}

// The console of the gateway `client` reached, with the device's name and key after '#', which
// a browser never sends: scanned from a QR code, it connects a phone as the device.
std::string console_link(const client::Client& client, const std::string& url,
                         const std::string& name, const std::string& key) {
  const auto endpoints = client.gateway().endpoints;
  const auto http = endpoints.value("http", nlohmann::json());
  if (!http.is_number_unsigned()) return {};
  const auto host = client::GatewayUrl::parse(url).host;
  return std::string(endpoints.value("tls", false) ? "https" : "http") + "://" + host + ":" +
         std::to_string(http.get<unsigned>()) + "/#device=" + name + "&key=" + key;
}

// What add and rotate print: the key once, the console link for a phone, where it goes.
int print_new_key(const char* verb, const DeviceOptions& options, const client::Client& client,
                  const message::Message& reply) {
  if (reply.code.value_or(0) != 200 || options.gateway->json)
    return print_reply(verb == std::string_view("add") ? "device add" : "device rotate", reply,
                       options.gateway->json, false);
  const auto data = reply.data.parse();
  const auto key = data.value("key", std::string());
  if (!options.key_out.empty()) {
    if (auto error = message::PrivateFile::create(options.key_out, key + "\n", "key file")) {
      std::cerr << "gwctl device " << verb << ": " << reply.text << ", but " << error->text
                << "; the key is below\n";
    } else {
      std::cout << "key file " << options.key_out << " written (mode 0600)\n";
    }
  }
  std::cout << reply.text << "\n\nkey (shown this once; keep it secret):\n  " << key << '\n';
  if (const auto link = console_link(client, options.gateway->url, options.name, key);
      !link.empty())
    std::cout << "\nthe console, connected as the device (for a phone: make it a QR code; the\n"
                 "key stays after '#', which a browser never sends):\n  "
              << link << '\n';
  std::cout << "\nin a key file for gwctl or the client library, or Python's Fernet(key); a "
               "WebSocket\nclient is greeted under its own key at /ws?device="
            << options.name << '\n'
            << data.value("reloaded", std::string()) << std::endl;
  return exit_ok;
}

int print_devices(const message::Message& reply, bool json) {
  const auto devices = reply.data.parse();
  if (json || reply.code.value_or(0) != 200 || !devices.is_array())
    return print_reply("device list", reply, json, false);
  std::cout << std::left << std::setw(24) << "NAME" << std::setw(10) << "SESSIONS" << std::setw(24)
            << "PUBLISH" << std::setw(24) << "SUBSCRIBE"
            << "DESCRIPTION\n";
  for (const auto& device : devices) {
    const auto permissions = device.value("permissions", nlohmann::json::object());
    // Each column one wider than its widest usual value, so that a long list still leaves a
    // blank before the next.
    std::cout << std::setw(24) << device.value("name", std::string()) + " " << std::setw(10)
              << device.value("sessions", 0) << std::setw(24)
              << list_text(permissions.value("publish", nlohmann::json::array())) + " "
              << std::setw(24)
              << list_text(permissions.value("subscribe", nlohmann::json::array())) + " "
              << device.value("description", std::string())
              << (permissions.value("admin", false) ? " (admin)" : "") << '\n';
  }
  std::cout << std::flush;
  return exit_ok;
}

int print_device(const message::Message& reply, bool json) {
  const auto device = reply.data.parse();
  if (json || reply.code.value_or(0) != 200 || !device.is_object())
    return print_reply("device show", reply, json, false);
  std::cout << "name         " << device.value("name", std::string()) << '\n';
  if (const auto description = device.value("description", std::string()); !description.empty())
    std::cout << "description  " << description << '\n';
  const auto permissions = device.value("permissions", nlohmann::json::object());
  for (const char* field :
       {"publish", "subscribe", "send", "commands", "requestables", "tables", "provide", "call"})
    std::cout << std::left << std::setw(13) << field
              << list_text(permissions.value(field, nlohmann::json::array())) << '\n';
  std::cout << "admin        " << (permissions.value("admin", false) ? "yes" : "no") << '\n';
  for (const auto& session : device.value("sessions", nlohmann::json::array()))
    std::cout << "session      " << session.value("id", std::string()) << ' '
              << session.value("transport", std::string()) << ' '
              << session.value("address", std::string())
              << (session.value("away", false) ? " (away)" : "") << '\n';
  std::cout << std::flush;
  return exit_ok;
}

message::Message device_request(const std::string& args) {
  message::Message request;
  request.cmd = "device";
  request.args = args;
  return request;
}

CLI::App* verb(CLI::App& device, const char* name, const char* description, DeviceOptions& options,
               bool named) {
  auto* cmd = device.add_subcommand(name, description);
  options.verbs.emplace_back(cmd, GatewayOptions{}).second.add_to(*cmd);
  if (named)
    cmd->add_option("name", options.name, "the device's name")->required()->type_name("NAME");
  return cmd;
}

}  // namespace

Command add_device_command(CLI::App& app) {
  auto options = std::make_shared<DeviceOptions>();
  auto* device = app.add_subcommand(
      "device", "Enroll, list, show, remove the devices that have keys of their own (admin)");
  device->require_subcommand(1);
  device->footer(
      "Each needs admin permission: --admin-key-file FILE, or a device key with admin.\n"
      "Examples:\n"
      "  gwctl device add kitchen-sensor --publish 'home/kitchen/#' --admin-key-file admin.key\n"
      "  gwctl device list --admin-key-file admin.key\n"
      "  gwctl device remove kitchen-sensor --admin-key-file admin.key");

  auto* add = verb(*device, "add", "Add a device: prints its new key, once", *options, true);
  add->add_option("--publish", options->publish, "a topic filter it may publish to (repeat)");
  add->add_option("--subscribe", options->subscribe, "a filter it may subscribe within (repeat)");
  add->add_option("--send", options->send, "a name or id it may send to, * for anyone (repeat)");
  add->add_option("--command", options->commands,
                  "a command beyond the everyday ones, such as broadcast (repeat)");
  add->add_option("--requestable", options->requestables, "a requestable it may get (repeat)");
  add->add_option("--table", options->tables, "a lookup table it may read (repeat)");
  add->add_option("--provide", options->provide,
                  "a service (a command of its own) it may provide, * for any (repeat)");
  add->add_option("--call", options->call,
                  "a service of another client it may call, * for any (repeat)");
  add->add_flag("--admin", options->admin, "may do everything, the admin commands too");
  add->add_option("--description", options->description, "where it is, who looks after it");
  add->add_option("--key-out", options->key_out, "also write its key to this new file (0600)");
  auto* list =
      verb(*device, "list", "The devices, their sessions and permissions", *options, false);
  auto* show =
      verb(*device, "show", "One device: permissions and sessions (never its key)", *options, true);
  verb(*device, "remove",
       "Remove a device: its connections close and its key stops working at once", *options, true);
  auto* rotate = verb(*device, "rotate",
                      "Give a device a new key (printed once); its old key stops working at once",
                      *options, true);
  rotate->add_option("--key-out", options->key_out, "also write its key to this new file (0600)");

  return {
      device, [=] {
        auto& o = *options;
        for (const auto& [cmd, gateway] : o.verbs)
          if (cmd->parsed()) o.gateway = &gateway;
        return with_client("device", *o.gateway, [&](client::Client& client) {
          if (add->parsed()) {
            auto request = device_request("add " + o.name);
            request.data = {{"publish", o.publish},
                            {"subscribe", o.subscribe},
                            {"send", o.send},
                            {"commands", o.commands},
                            {"requestables", o.requestables},
                            {"tables", o.tables},
                            {"provide", o.provide},
                            {"call", o.call},
                            {"admin", o.admin},
                            {"description", o.description}};
            return print_new_key("add", o, client, client.request(request));
          }
          if (rotate->parsed())
            return print_new_key("rotate", o, client,
                                 client.request(device_request("rotate " + o.name)));
          if (list->parsed())
            return print_devices(client.request(device_request("list")), o.gateway->json);
          if (show->parsed())
            return print_device(client.request(device_request("show " + o.name)), o.gateway->json);
          return print_reply("device remove", client.request(device_request("remove " + o.name)),
                             o.gateway->json, false);
        });
      }};
}

}  // namespace gw::gwctl
