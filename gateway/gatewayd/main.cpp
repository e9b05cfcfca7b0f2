// gatewayd: the gw messaging gateway.
#include <iostream>
#include <system_error>

#include <gw/gateway/config_loader.hpp>
#include <gw/gateway/config_options.hpp>

#include "command_line.hpp"
#include "daemon.hpp"

int main(int argc, char** argv) {
  using namespace gw;
  gatewayd::CommandLine command_line;
  if (auto exit_code = gatewayd::parse_command_line(argc, argv, command_line)) return *exit_code;

  gateway::Config config;
  try {
    config = gateway::load_config(command_line.flags, gateway::process_environment());
  } catch (const gateway::ConfigError& error) {
    std::cerr << "gatewayd: " << error.what() << "\n";
    return 2;
  }
  if (command_line.print_config) {
    std::cout << "# data directory: " << config.data_dir.string()
              << "\n# config file: " << config.config_path().string() << "\n"
              << gateway::render_config_file(config);
    return 0;
  }
  try {
    return gatewayd::run_daemon(config);
  } catch (const gateway::ConfigError& error) {
    std::cerr << "gatewayd: " << error.what() << "\n";
    return 2;
  } catch (const std::system_error& error) {
    std::cerr << "gatewayd: cannot start: " << error.what() << "\n";
    return 1;
  }
}
