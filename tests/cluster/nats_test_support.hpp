#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "nats_connection.hpp"

namespace gw::test {

// Long past anything on loopback, and past a duty's lease: waits end early when what they
// wait for happens.
constexpr auto nats_patience = std::chrono::seconds(15);

// A connection to the nats-server with_nats_server.py started (GW_TEST_NATS_URL).
std::unique_ptr<cluster::NatsConnection> nats_connection(const std::string& name);
// Fails the test unless `nats` connects within the patience.
void wait_connected(const cluster::NatsConnection& nats);

}  // namespace gw::test
