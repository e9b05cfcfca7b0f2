#pragma once

#include <gw/gateway/config.hpp>
#include <gw/gatewayd/gatewayd.hpp>

namespace gw::gatewayd {

// Runs the gateway until SIGINT or SIGTERM: prepares the data directory, binds every
// configured listener, announces the addresses (and the ready file), and serves. Returns the
// exit code. `customise` adds the operator's commands before the listeners start. Throws
// gateway::ConfigError, or std::system_error when a listener cannot bind.
int run_daemon(const gateway::Config& config, const Customise& customise);

}  // namespace gw::gatewayd
