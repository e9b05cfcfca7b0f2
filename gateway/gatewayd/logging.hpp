#pragma once

#include <gw/gateway/config.hpp>

namespace gw::gatewayd {

// Sends spdlog's default logger to standard error or the configured file, as text for people or
// as one JSON object per line. Throws gateway::ConfigError if the log file cannot be opened.
void set_up_logging(const gateway::Config& config);

}  // namespace gw::gatewayd
