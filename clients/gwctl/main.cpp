// gwctl: the gw command line. Subcommands register themselves here; each returns its exit code.
#include <exception>
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>

#include "call_command.hpp"
#include "command.hpp"
#include "discover_command.hpp"
#include "token_commands.hpp"

int main(int argc, char** argv) {
  using namespace gw::gwctl;
  CLI::App app{"gwctl: keys, tokens, discovery and commands for gw gateways", "gwctl"};
  app.set_version_flag("--version", GW_VERSION);
  // At most one; "none" is answered below, so that an unknown word is reported as such.
  app.require_subcommand(0, 1);
  app.footer("Run 'gwctl COMMAND --help' for a command's options and examples.");

  const std::vector<Command> commands = {
      add_keygen_command(app),   add_encrypt_command(app), add_decrypt_command(app),
      add_discover_command(app), add_call_command(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, version, or the usage error
    return code == 0 ? exit_ok : exit_usage;
  }
  try {
    for (const Command& command : commands) {
      if (command.parser->parsed()) return command.run();
    }
  } catch (const std::exception& e) {
    std::cerr << "gwctl: " << e.what() << '\n';
    return exit_failed;
  }
  std::cerr << "gwctl: a command is required\n\n" << app.help();
  return exit_usage;
}
