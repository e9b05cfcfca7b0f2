#include "call_command.hpp"

#include <iostream>
#include <memory>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include <gw/discovery/probe.hpp>
#include <gw/message/discovery.hpp>

#include "discovery_options.hpp"
#include "key_options.hpp"

namespace gw::gwctl {

namespace {

struct CallOptions {
  KeyOptions keys;
  bool broadcast = false;
  std::vector<std::string> words;  // CMD [ARGS ...]
  std::vector<std::string> interfaces;
  std::uint16_t port = message::default_udp_port;
  double timeout = 1.0;
  std::string name = "gwctl";
  bool json = false;
};

std::string joined(const std::vector<std::string>& words, std::size_t from) {
  std::string text;
  for (std::size_t i = from; i < words.size(); ++i)
    text += (text.empty() ? "" : " ") + words[i];
  return text;
}

void print_reply(const discovery::BroadcastReply& reply, bool json) {
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
  if (!message.data.is_null()) std::cout << "  " << message.data.dump();
  std::cout << std::endl;
}

int run_call(const CallOptions& options) {
  int exit_code = exit_ok;
  const auto keys = options.keys.load_or_report("call", exit_code);
  if (!keys) return exit_code;
  message::Message request;
  request.cmd = options.words.front();
  request.args = joined(options.words, 1);
  discovery::BroadcastOptions broadcast;
  broadcast.port = options.port;
  broadcast.timeout = milliseconds_of(options.timeout);
  broadcast.user = options.name;
  std::size_t replies = 0;
  std::size_t refusals = 0;
  try {
    broadcast.interfaces = chosen_interfaces(options.interfaces);
    print_warnings("call",
                   discovery::broadcast_request(*keys, request, broadcast,
                                                [&](const discovery::BroadcastReply& reply) {
                                                  ++replies;
                                                  if (reply.reply.code.value_or(200) != 200)
                                                    ++refusals;
                                                  print_reply(reply, options.json);
                                                  return true;
                                                }));
  } catch (const std::invalid_argument& error) {
    std::cerr << "gwctl call: " << error.what() << '\n';
    return exit_usage;
  }
  if (replies == 0) {
    std::cerr << "gwctl call: no gateway answered within " << options.timeout
              << " s (a gateway that cannot read our key stays silent)\n";
    return exit_unreachable;
  }
  return refusals == 0 ? exit_ok : exit_failed;
}

}  // namespace

Command add_call_command(CLI::App& app) {
  auto options = std::make_shared<CallOptions>();
  auto* cmd = app.add_subcommand(
      "call", "Send one command to every gateway on the LAN (--broadcast) and print each reply");
  options->keys.add_to(*cmd);
  cmd->add_flag("--broadcast", options->broadcast,
                "send the command by UDP broadcast from each interface")
      ->required();
  cmd->add_option("command", options->words, "the command and its arguments")
      ->required()
      ->type_name("CMD [ARGS ...]");
  cmd->add_option("--interface", options->interfaces,
                  "broadcast from this interface (repeatable; default: all up but loopback)")
      ->type_name("NAME");
  cmd->add_option("--port", options->port, "the gateways' UDP port (default 1234)");
  cmd->add_option("--timeout", options->timeout, "seconds to collect replies (default 1)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--name", options->name, "the userID the request carries (default gwctl)");
  cmd->add_flag("--json", options->json,
                "one JSON object per reply: {address, rtt_ms, reply}, one per line");
  cmd->footer(
      "Each gateway's reply is printed once, as NAME (ADDRESS:PORT) CODE CMD: TEXT [DATA].\n"
      "Exit code 0 when every reply is 200, 1 when one is not, 3 when none comes.\n"
      "Examples:\n"
      "  gwctl call --broadcast --key-file gw.key ping\n"
      "  gwctl call --broadcast --key-file gw.key get version --json");
  return {cmd, [options] { return run_call(*options); }};
}

}  // namespace gw::gwctl
