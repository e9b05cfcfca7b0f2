#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace gw::gwctl {

// Exit codes every subcommand keeps to, so scripts can tell failures apart.
enum ExitCode : int { exit_ok = 0, exit_failed = 1, exit_usage = 2, exit_unreachable = 3 };

// A subcommand: the CLI11 parser it registered and what to run when it was chosen.
struct Command {
  CLI::App* parser;
  std::function<int()> run;
};

}  // namespace gw::gwctl
