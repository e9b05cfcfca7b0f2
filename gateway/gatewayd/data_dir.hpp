#pragma once

#include <string>

#include <gw/gateway/config.hpp>
#include <gw/message/key_ring.hpp>

namespace gw::gatewayd {

// The gateway's files, made ready on start-up: the data directory, the config file (written
// with every option and its default if missing), the key file (created 0600 if missing) and
// the gateway's id.
struct DataDir {
  message::KeyRing keys;
  std::string gateway_id;
  bool created_config = false;
  bool created_key = false;
};

// Throws gateway::ConfigError with what to do when a file cannot be made or used.
DataDir prepare_data_dir(const gateway::Config& config);

// Loads the key file as configured (also on SIGHUP). Throws gateway::ConfigError.
message::KeyRing load_keys(const gateway::Config& config);

}  // namespace gw::gatewayd
