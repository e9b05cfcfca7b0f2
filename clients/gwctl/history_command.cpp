#include "history_command.hpp"

#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "gateway_options.hpp"
#include "message_printer.hpp"

namespace gw::gwctl {

namespace {

struct HistoryOptions {
  GatewayOptions gateway;
  std::string topic;
  unsigned count = 20;
};

int run_history(const HistoryOptions& options) {
  return with_client("history", options.gateway, [&](client::Client& client) {
    message::Message request;
    request.cmd = "history";
    request.topic = options.topic;
    request.args = std::to_string(options.count);
    const auto reply = client.request(request);
    const auto data = reply.data.parse();
    if (reply.code.value_or(0) != 200 || !data.is_object())
      return print_reply("history", reply, options.gateway.json);
    const bool colour = colour_output() && !options.gateway.json;
    for (const auto& item : data.value("messages", nlohmann::json::array())) {
      const auto message = message::Message::from_json(item.dump());
      if (message) print_message(*message, options.gateway.json, colour);
    }
    // Where a listen goes on from: the history's newest offset, not the last message printed,
    // so that nothing published meanwhile is missed and nothing printed comes again.
    std::cerr << "gwctl history: " << reply.text << "; to follow from here: gwctl listen --topic '"
              << options.topic << "' --since " << data.value("epoch", std::string()) << ':'
              << data.value("offset", std::uint64_t{0}) << std::endl;
    return 0;
  });
}

}  // namespace

Command add_history_command(CLI::App& app) {
  auto options = std::make_shared<HistoryOptions>();
  auto* cmd = app.add_subcommand(
      "history", "Print the newest messages a topic's history kept ([[history]] in gatewayd)");
  options->gateway.add_to(*cmd);
  cmd->add_option("topic", options->topic, "a topic, or a filter ('+' one level, '#' the rest)")
      ->required()
      ->type_name("TOPIC");
  cmd->add_option("--count", options->count, "how many, the newest (at most 1000)")
      ->check(CLI::Range(1, 1000));
  cmd->footer(
      "Prints the messages oldest first, like gwctl listen (with --json, one JSON object per\n"
      "line), then on standard error the --since that follows on from them. Exit code 1 when\n"
      "the gateway keeps no history for the topic.\n"
      "Examples:\n"
      "  gwctl history 'home/kitchen/temperature' --count 5 --key-file gw.key\n"
      "  gwctl history 'home/#' --json --url http://127.0.0.1:5000");
  return {cmd, [options] { return run_history(*options); }};
}

}  // namespace gw::gwctl
