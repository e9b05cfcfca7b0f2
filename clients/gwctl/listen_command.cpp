#include "listen_command.hpp"

#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>
#include <signal.h>

#include <CLI/CLI.hpp>

#include "gateway_options.hpp"

namespace gw::gwctl {

namespace {

struct ListenOptions {
  GatewayOptions gateway;
  std::vector<std::string> topics;
  std::size_t count = 0;  // stop after this many messages; 0: never
};

void print_message(const message::Message& message, bool json, bool colour) {
  if (json) {
    std::cout << message.to_object().dump() << std::endl;
    return;
  }
  const char* dim = colour ? "\033[2m" : "";
  const char* bold = colour ? "\033[1m" : "";
  const char* plain = colour ? "\033[0m" : "";
  std::cout << dim << message.timestamp << plain << ' ' << bold
            << (message.user_id.empty() ? message.from : message.user_id) << plain;
  if (!message.from.empty() && message.from != message.user_id)
    std::cout << " (" << message.from << ")";
  if (!message.topic.empty()) std::cout << " [" << message.topic << "]";
  if (!message.cmd.empty()) std::cout << " " << message.cmd;
  std::cout << ": " << message.text;
  if (!message.data.is_null())
    std::cout << (message.text.empty() ? "" : " ") << message.data.dump();
  std::cout << std::endl;
}

// Blocks SIGINT and SIGTERM in every thread (the client's thread starts after this), so that
// they can be waited for here instead of interrupting a handler.
sigset_t stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int run_listen(const ListenOptions& options) {
  const auto signals = stop_signals();
  const bool colour = colour_output() && !options.gateway.json;
  std::mutex output;
  std::atomic<std::size_t> received{0};
  return with_client(
      "listen", options.gateway,
      [&](client::Client& client) {
        const auto on_message = [&](const message::Message& message) {
          std::lock_guard lock(output);
          if (options.count != 0 && received >= options.count) return;
          print_message(message, options.gateway.json, colour);
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
            const auto reply = client.subscribe(topic, on_message);
            if (reply.code.value_or(0) != 200) return print_reply("listen", reply, false);
          }
        }
        std::cerr << "gwctl listen: listening on " << client.url().to_string() << " as "
                  << client.gateway().session_name << "; Ctrl-C stops" << std::endl;
        const timespec tick{0, 200'000'000};
        while (options.count == 0 || received < options.count) {
          if (sigtimedwait(&signals, nullptr, &tick) > 0) break;
        }
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
  cmd->add_option("--count", options->count, "stop after this many messages");
  cmd->footer(
      "Each message is printed as TIME SENDER (ID) [TOPIC] CMD: TEXT DATA, or with --json as\n"
      "its JSON on one line. WebSocket and TCP reconnect by themselves and subscribe again;\n"
      "state changes go to standard error.\n"
      "Examples:\n"
      "  gwctl listen --topic 'home/+/temperature' --key-file gw.key\n"
      "  gwctl listen --url http://127.0.0.1:5000 --json --count 1");
  return {cmd, [options] { return run_listen(*options); }};
}

}  // namespace gw::gwctl
