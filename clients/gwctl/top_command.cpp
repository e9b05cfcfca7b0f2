#include "top_command.hpp"

#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "gateway_options.hpp"
#include "stop_signals.hpp"
#include "top_view.hpp"

namespace gw::gwctl {

namespace {

struct TopOptions {
  GatewayOptions gateway;
  std::size_t count = 0;  // stop after this many screens; 0: never
  std::size_t rows = 15;  // topics and clients shown
};

constexpr const char* feed_topics[] = {"$gw/stats", "$gw/topics", "$gw/clients"};

int run_top(const TopOptions& options) {
  const auto signals = stop_signals();
  // On a terminal the screen is drawn again in place; piped, each screen follows the last.
  const bool in_place = !options.gateway.json && isatty(STDOUT_FILENO) == 1;
  std::mutex output;
  TopView view;
  std::atomic<std::size_t> shown{0};
  return with_client("top", options.gateway, [&](client::Client& client) {
    // A screen each second: when the last of the feed's three topics of a tick arrives.
    const auto on_feed = [&](const message::Message& message) {
      std::lock_guard lock(output);
      if (!view.take(message.topic, message.data.parse())) return;
      if (message.topic != "$gw/clients" || !view.complete()) return;
      if (options.count != 0 && shown >= options.count) return;
      if (options.gateway.json)
        std::cout << view.json_line() << std::endl;
      else
        std::cout << (in_place ? "\x1b[H\x1b[2J" : "") << view.text(options.rows)
                  << (in_place ? "" : "\n") << std::flush;
      ++shown;
    };
    for (const auto* topic : feed_topics) {
      const auto reply = client.subscribe(topic, on_feed);
      if (reply.code.value_or(0) != 200) return print_reply("top", reply, false);
    }
    if (!in_place)
      std::cerr << "gwctl top: the feed of " << client.url().to_string()
                << ", each second; Ctrl-C stops" << std::endl;
    const timespec tick{0, 200'000'000};
    while (options.count == 0 || shown < options.count)
      if (sigtimedwait(&signals, nullptr, &tick) > 0) break;
    return 0;
  });
}

}  // namespace

Command add_top_command(CLI::App& app) {
  auto options = std::make_shared<TopOptions>();
  auto* cmd = app.add_subcommand(
      "top", "What the gateway is doing, each second: traffic, refusals, topics and clients");
  options->gateway.add_to(*cmd);
  cmd->add_option("--count", options->count, "stop after this many screens (0: until Ctrl-C)");
  cmd->add_option("--rows", options->rows, "topics and clients shown (15)");
  cmd->footer(
      "Reads the gateway's $gw feed (gatewayd.md), which needs admin permission unless the\n"
      "gateway's [feed] readers is subscribers: give --admin-key-file. On a terminal the\n"
      "screen is drawn again in place; piped, each screen follows the last; --json prints one\n"
      "line per second, {\"stats\", \"topics\", \"clients\"} as the feed has them.\n"
      "Examples:\n"
      "  gwctl top --key-file gw.key --admin-key-file admin.key\n"
      "  gwctl top --json --count 1 --url http://127.0.0.1:5000 --admin-key-file admin.key");
  return {cmd, [options] { return run_top(*options); }};
}

}  // namespace gw::gwctl
