#pragma once

#include <memory>

#include <gw/gateway/config.hpp>
#include <gw/mqtt/mqtt_bridges.hpp>

namespace gw::gatewayd {

// The [[mqtt]] bridges of the config, made ready to start (null when there are none): files
// found against the data directory, each password read from its private file, and each bridge's
// identity checked against the gateway's; in a cluster, `duties` takes them in turn with the
// other gateways. Throws gateway::ConfigError naming the bridge.
std::shared_ptr<mqtt::MqttBridges> make_mqtt_bridges(const gateway::Config& config,
                                                     gateway::Gateway& gateway,
                                                     boost::asio::io_context& io,
                                                     std::shared_ptr<gateway::Duties> duties);

}  // namespace gw::gatewayd
