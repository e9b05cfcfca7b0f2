// A thermometer on the gateway, written with the client library: it publishes a reading to
// home/<name>/temperature every second and answers "read" requests sent to it directly
// (`gwctl call ask <name> read`), over whichever transport its URL names.
//
//   thermometer URL KEY_FILE [NAME] [READINGS]
//   thermometer udp://127.0.0.1:1234 gw-data/gw.key balcony 10
#include <atomic>
#include <chrono>
#include <cmath>
#include <iostream>
#include <string>
#include <thread>

#include <gw/client/client.hpp>
#include <gw/message/key_file.hpp>

namespace {

double temperature_at(int second) {
  return 20.0 + 2.0 * std::sin(second / 30.0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: thermometer URL KEY_FILE [NAME] [READINGS]\n";
    return 2;
  }
  const std::string name = argc > 3 ? argv[3] : "thermometer";
  const int readings = argc > 4 ? std::stoi(argv[4]) : 60;
  auto keys = gw::message::KeyFile::load(argv[2]);
  if (!keys) {
    std::cerr << "thermometer: " << keys.error().text << '\n';
    return 2;
  }
  gw::client::ClientOptions options;
  options.name = name;
  try {
    auto client = gw::client::Client::connect(argv[1], std::move(*keys), options);
    std::cout << "connected to " << client.gateway().name << " as " << client.gateway().session_name
              << std::endl;

    // Requests the gateway forwards from others (`ask`) carry an id to answer with.
    std::atomic<int> second = 0;
    client.on_message([&client, &second](const gw::message::Message& message) {
      if (message.cmd != "read" || message.id.empty()) return;
      gw::message::Message reply;
      reply.cmd = "read";
      reply.id = message.id;
      reply.code = 200;
      reply.data = nlohmann::json{{"celsius", temperature_at(second)}};
      client.send(reply);  // send, not request: handlers must not block
    });

    const auto topic = "home/" + name + "/temperature";
    for (; second < readings; ++second) {
      const auto reply =
          client.publish(topic, "", {{"celsius", std::round(temperature_at(second) * 10) / 10}});
      std::cout << topic << ": " << reply.text << std::endl;
      if (second + 1 < readings) std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  } catch (const gw::client::ClientError& error) {
    std::cerr << "thermometer: " << error.what() << '\n';
    return error.kind() == gw::client::ErrorKind::unreachable ? 3 : 1;
  }
  return 0;
}
