#include "mqtt_setup.hpp"

#include <gw/gateway/gateway.hpp>
#include <gw/message/private_file.hpp>

namespace gw::gatewayd {

using gateway::ConfigError;

std::shared_ptr<mqtt::MqttBridges> make_mqtt_bridges(const gateway::Config& config,
                                                     gateway::Gateway& gateway,
                                                     boost::asio::io_context& io,
                                                     std::shared_ptr<gateway::Duties> duties) {
  if (config.mqtt.empty()) return nullptr;
  std::vector<mqtt::MqttBridges::Start> bridges;
  const auto identities = gateway.identities().current();
  for (auto spec : config.mqtt) {
    const auto where = "[[mqtt]] '" + spec.name + "'";
    spec.ca_file = config.in_data_dir(spec.ca_file);
    spec.password_file = config.in_data_dir(spec.password_file);
    if (!spec.ca_file.empty() && !std::filesystem::is_regular_file(spec.ca_file))
      throw ConfigError(where + ": ca_file " + spec.ca_file.string() + " is not a readable file");
    if (spec.device.empty() && !config.shared_key_enabled)
      throw ConfigError(where +
                        ": the bridge speaks under the shared key, which [shared_key] "
                        "switches off; give it a device = \"NAME\" of the devices file");
    if (!spec.device.empty() && !identities->device(spec.device))
      throw ConfigError(where + ": device '" + spec.device + "' is not in the devices file " +
                        config.devices_path().string());
    std::string password;
    if (!spec.password_file.empty()) {
      auto read = message::PrivateFile::first_line(spec.password_file, "password_file",
                                                   !config.allow_insecure_key_file);
      if (!read) throw ConfigError(where + ": " + read.error().text);
      password = std::move(*read);
    }
    bridges.push_back({.spec = std::move(spec), .client_id = {}, .password = std::move(password)});
  }
  try {
    return std::make_shared<mqtt::MqttBridges>(gateway, io, std::move(bridges), std::move(duties));
  } catch (const std::runtime_error& error) {
    throw ConfigError(std::string("[[mqtt]]: ") + error.what());
  }
}

}  // namespace gw::gatewayd
