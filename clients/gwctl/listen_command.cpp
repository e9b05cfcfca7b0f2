#include "listen_command.hpp"

#include <algorithm>
#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>

#include <CLI/CLI.hpp>

#include "gateway_options.hpp"
#include "message_printer.hpp"
#include "stop_signals.hpp"

namespace gw::gwctl {

namespace {

struct ListenOptions {
  GatewayOptions gateway;
  std::vector<std::string> topics;
  std::string since;      // EPOCH:OFFSET or a time: first what history kept after it
  std::size_t count = 0;  // stop after this many messages; 0: never
};

int run_listen(const ListenOptions& options) {
  const auto signals = stop_signals();
  const bool colour = colour_output() && !options.gateway.json;
  std::mutex output;
  std::atomic<std::size_t> received{0};
  std::string epoch;
  std::uint64_t last_offset = 0;
  return with_client(
      "listen", options.gateway,
      [&](client::Client& client) {
        const auto on_message = [&](const message::Message& message) {
          std::lock_guard lock(output);
          if (options.count != 0 && received >= options.count) return;
          print_message(message, options.gateway.json, colour);
          last_offset = std::max(last_offset, message.offset);
          ++received;
        };
        client.on_state([](client::ConnectionState state, const std::string& why) {
          if (state == client::ConnectionState::closed) return;  // we closed it
          std::cerr << "gwctl listen: " << client::to_string(state) << ": " << why << std::endl;
        });
        if (options.topics.empty()) {
          client.on_message(on_message);
        } else {
          for (const auto& topic : options.topics) {
            const auto reply = client.subscribe(topic, on_message, options.since);
            if (reply.code.value_or(0) != 200) return print_reply("listen", reply, false);
            std::lock_guard lock(output);
            epoch = reply.data.parse().value("epoch", std::string());
            if (!options.since.empty()) std::cerr << "gwctl listen: " << reply.text << std::endl;
          }
        }
        std::cerr << "gwctl listen: listening on " << client.url().to_string() << " as "
                  << client.gateway().session_name << "; Ctrl-C stops" << std::endl;
        const timespec tick{0, 200'000'000};
        while (options.count == 0 || received < options.count) {
          if (sigtimedwait(&signals, nullptr, &tick) > 0) break;
        }
        std::lock_guard lock(output);
        if (last_offset != 0)
          std::cerr << "gwctl listen: to go on from here: --since " << epoch << ':' << last_offset
                    << std::endl;
        return 0;
      },
      [](client::ClientOptions& client_options) { client_options.receive = true; });
}

}  // namespace

Command add_listen_command(CLI::App& app) {
  auto options = std::make_shared<ListenOptions>();
  auto* cmd = app.add_subcommand(
      "listen", "Print messages as they arrive (all, or those of some topics) until interrupted");
  options->gateway.add_to(*cmd);
  cmd->add_option("--topic", options->topics,
                  "subscribe to this topic filter, '+' one level, '#' the rest (repeatable; "
                  "default: print every message that reaches us)")
      ->type_name("FILTER");
  cmd->add_option("--since", options->since,
                  "first what the gateway's topic history kept after this: EPOCH:OFFSET (as "
                  "printed when a listen stops, or by gwctl history) or a time such as "
                  "2026-12-04T10:00:00Z; needs --topic")
      ->type_name("EPOCH:OFFSET|TIME")
      ->needs(cmd->get_option("--topic"));
  cmd->add_option("--count", options->count, "stop after this many messages");
  cmd->footer(
      "Each message is printed as TIME SENDER (ID) [TOPIC #OFFSET] CMD: TEXT DATA, or with\n"
      "--json as its JSON on one line (#OFFSET when the gateway keeps the topic's history).\n"
      "WebSocket and TCP reconnect by themselves and subscribe again, from the last offset\n"
      "received; state changes go to standard error, and on stopping the --since that goes on\n"
      "from there.\n"
      "Examples:\n"
      "  gwctl listen --topic 'home/+/temperature' --key-file gw.key\n"
      "  gwctl listen --url http://127.0.0.1:5000 --json --count 1\n"
      "  gwctl listen --topic 'home/#' --since 2026-12-04T10:00:00Z --key-file gw.key");
  return {cmd, [options] { return run_listen(*options); }};
}

}  // namespace gw::gwctl
