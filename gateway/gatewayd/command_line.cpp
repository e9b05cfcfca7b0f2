#include "command_line.hpp"

#include <deque>
#include <string>

#include <CLI/CLI.hpp>

#include <gw/gateway/config_options.hpp>

namespace gw::gatewayd {

namespace {
std::string group_of(std::string_view section) {
  if (section == "gateway") return "Gateway";
  if (section == "listeners") return "Listeners";
  if (section == "tls") return "TLS";
  if (section == "discovery") return "Discovery";
  if (section == "limits") return "Limits";
  if (section == "sessions") return "Sessions";
  if (section == "log") return "Logging";
  return "Files";
}
}  // namespace

std::optional<int> parse_command_line(int argc, char** argv, CommandLine& out) {
  CLI::App app{
      "gatewayd: the gw messaging gateway. HTTP, WebSocket, UDP and TCP clients "
      "exchange Fernet-encrypted messages through it.",
      "gatewayd"};
  app.set_version_flag("--version", "gatewayd " GW_VERSION);
  app.footer(
      "Each option is also read from the config file ([section] key, see --print-config) and\n"
      "from the environment variable GW_<OPTION> (GW_HTTP_PORT=0, GW_LOG_LEVEL=debug, ...).\n"
      "The config file is read first, then the environment, then these flags.\n"
      "Lookup tables ([[tables]]), topic history ([[history]]) and bridges to MQTT brokers\n"
      "([[mqtt]]) are blocks of the config file only; its comments show each.\n"
      "On first start the data directory gets a commented config file and a key file (0600).");
  app.add_flag("--print-config", out.print_config,
               "Print the configuration that results from file, environment and flags, then exit");

  const auto options = gateway::config_options();
  std::deque<std::string> values;  // stable addresses for CLI11 to write into
  std::vector<CLI::Option*> given;
  for (const auto& option : options) {
    const auto name = "--" + std::string(option.flag);
    const auto help = std::string(option.help) + " [" + option.environment_variable() + "]";
    auto& value = values.emplace_back();
    CLI::Option* cli = nullptr;
    if (option.value_name.empty()) {
      cli = app.add_flag_callback(
          name, [&value] { value = "true"; }, help);
    } else {
      cli = app.add_option(name, value, help)->type_name(std::string(option.value_name));
    }
    cli->group(group_of(option.section))->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    given.push_back(cli);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  for (std::size_t i = 0; i < options.size(); ++i)
    if (given[i]->count() > 0) out.flags.push_back({std::string(options[i].flag), values[i]});
  return std::nullopt;
}

}  // namespace gw::gatewayd
