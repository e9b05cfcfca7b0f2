#include "call_command.hpp"

#include <iostream>
#include <memory>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include <gw/discovery/probe.hpp>
#include <gw/message/discovery.hpp>

#include "discovery_options.hpp"
#include "gateway_options.hpp"

namespace gw::gwctl {

namespace {

struct CallOptions {
  GatewayOptions gateway;
  bool broadcast = false;
  std::vector<std::string> words;  // CMD [ARGS ...]
  std::vector<std::string> interfaces;
  std::uint16_t port = message::default_udp_port;
};

void print_broadcast_reply(const discovery::BroadcastReply& reply, bool json) {
  const auto& message = reply.reply;
  if (json) {
    std::cout << nlohmann::json{{"address", reply.address + ":" + std::to_string(reply.port)},
                                {"rtt_ms", reply.rtt_ms},
                                {"reply", message.to_object()}}
                     .dump()
              << std::endl;
    return;
  }
  std::cout << message.user_id << " (" << reply.address << ":" << reply.port << ") "
            << message.code.value_or(0) << " " << message.cmd << ": " << message.text;
  if (!message.data.empty()) std::cout << "  " << message.data.text();
  std::cout << std::endl;
}

message::Message request_of(const CallOptions& options) {
  message::Message request;
  request.cmd = options.words.front();
  request.args = joined(options.words, 1);
  return request;
}

int run_call_by_url(const CallOptions& options) {
  return with_client("call", options.gateway, [&](client::Client& client) {
    return print_reply("call", client.request(request_of(options)), options.gateway.json);
  });
}

int run_call(const CallOptions& options) {
  if (!options.broadcast) return run_call_by_url(options);
  int exit_code = exit_ok;
  const auto keys = options.gateway.keys.load_or_report("call", exit_code);
  if (!keys) return exit_code;
  const auto request = request_of(options);
  discovery::BroadcastOptions broadcast;
  broadcast.port = options.port;
  broadcast.timeout = milliseconds_of(options.gateway.timeout);
  broadcast.user = options.gateway.name;
  std::size_t replies = 0;
  std::size_t refusals = 0;
  try {
    broadcast.interfaces = chosen_interfaces(options.interfaces);
    print_warnings(
        "call", discovery::broadcast_request(*keys, request, broadcast,
                                             [&](const discovery::BroadcastReply& reply) {
                                               ++replies;
                                               if (reply.reply.code.value_or(200) != 200)
                                                 ++refusals;
                                               print_broadcast_reply(reply, options.gateway.json);
                                               return true;
                                             }));
  } catch (const std::invalid_argument& error) {
    std::cerr << "gwctl call: " << error.what() << '\n';
    return exit_usage;
  }
  if (replies == 0) {
    std::cerr << "gwctl call: no gateway answered within " << options.gateway.timeout
              << " s (a gateway that cannot read our key stays silent)\n";
    return exit_unreachable;
  }
  return refusals == 0 ? exit_ok : exit_failed;
}

}  // namespace

Command add_call_command(CLI::App& app) {
  auto options = std::make_shared<CallOptions>();
  auto* cmd = app.add_subcommand(
      "call", "Send any command to a gateway (or with --broadcast to every gateway on the LAN)");
  options->gateway.add_to(*cmd);
  cmd->add_option("command", options->words, "the command and its arguments")
      ->required()
      ->type_name("CMD [ARGS ...]");
  cmd->add_flag("--broadcast", options->broadcast,
                "send the command by UDP broadcast from each interface instead of to --url");
  cmd->add_option("--interface", options->interfaces,
                  "with --broadcast: send from this interface (repeatable; default: all up but "
                  "loopback)")
      ->type_name("NAME");
  cmd->add_option("--port", options->port, "with --broadcast: the gateways' UDP port (1234)");
  auto* timeout = cmd->get_option("--timeout");
  cmd->footer(
      "The reply's text and data are printed, or with --json its JSON on one line; with\n"
      "--broadcast each gateway's reply once, as NAME (ADDRESS:PORT) CODE CMD: TEXT [DATA],\n"
      "collected for --timeout seconds (default 1 there).\n"
      "Exit code 0 when every reply is 200, 1 when one is not, 3 when none comes.\n"
      "Examples:\n"
      "  gwctl call whoami --key-file gw.key\n"
      "  gwctl call ask lamp status --url tcp://127.0.0.1:5001 --key-file gw.key\n"
      "  gwctl call --broadcast --key-file gw.key get version --json");
  cmd->callback([options, timeout] {
    if (options->broadcast && timeout->count() == 0) options->gateway.timeout = 1.0;
    // A broadcast opens no session, so it cannot carry admin permission.
    if (options->broadcast && !options->gateway.admin_key_file.empty()) {
      std::cerr << "gwctl call: --broadcast opens no session; the admin key is not used\n";
      options->gateway.admin_key_file.clear();
    }
  });
  return {cmd, [options] { return run_call(*options); }};
}

}  // namespace gw::gwctl
