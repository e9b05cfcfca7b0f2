#pragma once

#include <filesystem>
#include <string>
#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <gw/message/key_ring.hpp>

namespace gw::test {

// The real gatewayd on ephemeral loopback ports, with a data directory of its own. A restart
// keeps the ports, the key and the data directory, as a restarted service would.
class GatewayProcess {
 public:
  // `config`: the text of its gatewayd.toml; empty: gatewayd's defaults.
  explicit GatewayProcess(const std::string& config = {});
  ~GatewayProcess();
  GatewayProcess(const GatewayProcess&) = delete;
  GatewayProcess& operator=(const GatewayProcess&) = delete;

  void start();
  void stop();  // SIGTERM, then waits (SIGKILL after 10 s)
  void restart() {
    stop();
    start();
  }

  // scheme "http", "ws", "udp" or "tcp"
  std::string url(const std::string& scheme) const;
  int port(const std::string& transport) const { return ready_.at(transport).get<int>(); }
  message::KeyRing keys() const;
  std::filesystem::path key_file() const { return data_dir_ / "gw.key"; }
  // Writes its devices file (devices.toml, mode 0600), read at the next start.
  void write_devices(const std::string& text) const;

 private:
  std::filesystem::path data_dir_;
  nlohmann::json ready_;
  pid_t pid_ = -1;
};

}  // namespace gw::test
