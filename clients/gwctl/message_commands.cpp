#include "message_commands.hpp"

#include <chrono>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "gateway_options.hpp"

namespace gw::gwctl {

namespace {

struct TextOptions {
  GatewayOptions gateway;
  std::string to;
  std::string topic;
  std::string data;
  bool retain = false;
  std::vector<std::string> words;
};

// Sends one request built by `make` and prints the reply.
Command add_request_command(CLI::App& app, const char* name, const char* description,
                            const char* footer,
                            const std::function<void(CLI::App&, TextOptions&)>& add_options,
                            std::function<message::Message(const TextOptions&)> make) {
  auto options = std::make_shared<TextOptions>();
  auto* cmd = app.add_subcommand(name, description);
  options->gateway.add_to(*cmd);
  add_options(*cmd, *options);
  cmd->footer(footer);
  return {cmd, [options, name, make = std::move(make)] {
            return with_client(name, options->gateway, [&](client::Client& client) {
              // The text says what was delivered; the data only repeats it as a number.
              return print_reply(name, client.request(make(*options)), options->gateway.json,
                                 false);
            });
          }};
}

void add_text(CLI::App& cmd, TextOptions& options, bool required) {
  auto* text = cmd.add_option("text", options.words, "the message text")->type_name("TEXT ...");
  if (required) text->required();
}

}  // namespace

Command add_ping_command(CLI::App& app) {
  auto options = std::make_shared<GatewayOptions>();
  auto* cmd = app.add_subcommand("ping", "Check that a gateway answers, and how fast");
  options->add_to(*cmd);
  cmd->footer(
      "Prints 'pong from NAME (URL) in N ms'. Exit code 0 when it answers, 3 when no gateway\n"
      "answers, 1 when its answer does not decrypt with our key.\n"
      "Examples:\n"
      "  gwctl ping --key-file gw-data/gw.key\n"
      "  gwctl ping --url udp://192.0.2.7:1234 --key-file gw.key --json");
  return {cmd, [options] {
            return with_client("ping", *options, [&](client::Client& client) {
              const auto started = std::chrono::steady_clock::now();
              const auto reply = client.ping();
              const std::chrono::duration<double, std::milli> took =
                  std::chrono::steady_clock::now() - started;
              if (options->json || reply.code.value_or(0) != 200)
                return print_reply("ping", reply, options->json);
              std::cout << reply.text << " from " << client.gateway().name << " ("
                        << client.url().to_string() << ") in " << took.count() << " ms"
                        << std::endl;
              return 0;
            });
          }};
}

Command add_send_command(CLI::App& app) {
  return add_request_command(
      app, "send", "Send a message to one client, by its id or name",
      "Examples:\n"
      "  gwctl send --to printer 'print this' --key-file gw.key\n"
      "  gwctl send --to c12 hello --url tcp://127.0.0.1:5001 --key-file gw.key",
      [](CLI::App& cmd, TextOptions& options) {
        cmd.add_option("--to", options.to, "the recipient's client id or name")->required();
        add_text(cmd, options, true);
      },
      [](const TextOptions& options) {
        message::Message request;
        request.cmd = "send";
        request.to = options.to;
        request.text = joined(options.words);
        return request;
      });
}

Command add_broadcast_command(CLI::App& app) {
  return add_request_command(
      app, "broadcast", "Send a message to every client of the gateway",
      "Example:\n  gwctl broadcast 'dinner is ready' --key-file gw.key",
      [](CLI::App& cmd, TextOptions& options) { add_text(cmd, options, true); },
      [](const TextOptions& options) {
        message::Message request;
        request.cmd = "broadcast";
        request.text = joined(options.words);
        return request;
      });
}

Command add_publish_command(CLI::App& app) {
  return add_request_command(
      app, "publish", "Publish to a topic's subscribers: text, JSON data, or both",
      "Examples:\n"
      "  gwctl publish --topic home/kitchen/temperature --data '{\"celsius\": 21.5}'\n"
      "  gwctl publish --topic alerts 'door open' --url udp://127.0.0.1:1234\n"
      "  gwctl publish --retain --topic home/hall/mode --data '\"away\"'",
      [](CLI::App& cmd, TextOptions& options) {
        cmd.add_option("--topic", options.topic, "the topic, levels split by '/'")->required();
        cmd.add_option("--data", options.data, "a JSON value to send as the message's data")
            ->check(
                [](const std::string& value) -> std::string {
                  return nlohmann::json::accept(value) ? "" : "--data is not valid JSON";
                },
                "JSON");
        cmd.add_flag("--retain", options.retain,
                     "keep it as the topic's retained message, for later subscribers (an empty "
                     "one clears it)");
        add_text(cmd, options, false);
      },
      [](const TextOptions& options) {
        message::Message request;
        request.cmd = "publish";
        request.topic = options.topic;
        request.text = joined(options.words);
        if (!options.data.empty()) request.data = nlohmann::json::parse(options.data);
        request.retain = options.retain;
        return request;
      });
}

}  // namespace gw::gwctl
