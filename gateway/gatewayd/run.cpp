#include <iostream>
#include <system_error>

#include <gw/gateway/config_loader.hpp>
#include <gw/gateway/config_options.hpp>
#include <gw/gatewayd/gatewayd.hpp>

#include "command_line.hpp"
#include "daemon.hpp"

namespace gw::gatewayd {

int run(int argc, char** argv, const Customise& customise) {
  CommandLine command_line;
  if (auto exit_code = parse_command_line(argc, argv, command_line)) return *exit_code;

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
    return run_daemon(config, customise);
  } catch (const gateway::ConfigError& error) {
    std::cerr << "gatewayd: " << error.what() << "\n";
    return 2;
  } catch (const std::system_error& error) {
    std::cerr << "gatewayd: cannot start: " << error.what() << "\n";
    return 1;
  }
}

}  // namespace gw::gatewayd
