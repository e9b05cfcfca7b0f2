#pragma once

#include <functional>

#include <gw/gateway/gateway.hpp>

// The gatewayd program as a library, so that an operator's own program can be gatewayd plus
// its commands and requestables:
//
//   int main(int argc, char** argv) {
//     return gw::gatewayd::run(argc, argv, [](gw::gateway::Gateway& gateway) {
//       gateway.commands().add(
//           {.name = "brew", .description = "Brew coffee", .handler = brew, .blocking = true});
//       gateway.requestables().add_value("location", "Where this gateway is", "kitchen");
//     });
//   }
namespace gw::gatewayd {

// Adds the operator's commands and requestables; called once, before any listener starts.
using Customise = std::function<void(gateway::Gateway& gateway)>;

// gatewayd's whole life: the command line, config file and environment, the data directory
// and keys, the listeners, signals, and a clean stop. Returns the process's exit code (0 after
// a clean stop, 1 when a listener cannot start, 2 for a configuration error).
int run(int argc, char** argv, const Customise& customise = {});

}  // namespace gw::gatewayd
