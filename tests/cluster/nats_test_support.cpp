#include "nats_test_support.hpp"

#include <cstdlib>
#include <thread>

#include <catch2/catch.hpp>

namespace gw::test {

std::unique_ptr<cluster::NatsConnection> nats_connection(const std::string& name) {
  const char* url = std::getenv("GW_TEST_NATS_URL");
  REQUIRE(url != nullptr);  // run by tests/integration/with_nats_server.py
  cluster::NatsConnection::Options options;
  options.servers = {url};
  options.name = name;
  return std::make_unique<cluster::NatsConnection>(std::move(options));
}

void wait_connected(const cluster::NatsConnection& nats) {
  const auto deadline = std::chrono::steady_clock::now() + nats_patience;
  while (!nats.connected() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(nats.connected());
}

}  // namespace gw::test
