// gwctl: the gw command line. Subcommands register themselves here; each returns its exit code.
#include <exception>
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>

#include "call_command.hpp"
#include "command.hpp"
#include "device_command.hpp"
#include "discover_command.hpp"
#include "history_command.hpp"
#include "listen_command.hpp"
#include "message_commands.hpp"
#include "query_commands.hpp"
#include "token_commands.hpp"
#include "top_command.hpp"

int main(int argc, char** argv) {
  using namespace gw::gwctl;
  CLI::App app{"gwctl: talk to gw gateways: messages, topics, commands, keys and discovery",
               "gwctl"};
  app.set_version_flag("--version", GW_VERSION);
  // At most one; "none" is answered below, so that an unknown word is reported as such.
  app.require_subcommand(0, 1);
  app.footer(
      "Commands that talk to one gateway take --url (default ws://127.0.0.1:8000, or GW_URL),\n"
      "--key-file/--key (or GW_KEY_FILE/GW_KEY), --name, --timeout and --json.\n"
      "Exit codes: 0 success, 1 error reply or invalid token, 2 usage, 3 no gateway reached.\n"
      "Run 'gwctl COMMAND --help' for a command's options and examples.\n"
      "Example:\n"
      "  gwctl publish --topic home/door --key-file gw-data/gw.key 'door open'");

  const std::vector<Command> commands = {
      add_ping_command(app),     add_send_command(app),   add_broadcast_command(app),
      add_publish_command(app),  add_listen_command(app), add_top_command(app),
      add_history_command(app),  add_call_command(app),   add_clients_command(app),
      add_get_command(app),      add_lookup_command(app), add_device_command(app),
      add_discover_command(app), add_keygen_command(app), add_encrypt_command(app),
      add_decrypt_command(app),
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
