// Round trips per second against a running gatewayd: C connections (or UDP sockets) each send a
// ping and wait for its pong, over and over, for S seconds after a warm-up. Every connection
// first shakes hands; every reply is checked (decrypted: every --verify-every-th one).
//   gateway_load --transport http|websocket|udp|tcp --port N --key-file F
//                [--host 127.0.0.1] [--connections 32] [--seconds 5] [--warmup 1] [--verify-every
//                1]
#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <gw/message/key_file.hpp>

#include "load_client.hpp"

namespace gw::bench {

std::shared_ptr<LoadClient> make_load_client(const std::string& transport,
                                             boost::asio::io_context& io, const Target& target,
                                             LoadRun& run) {
  if (transport == "http") return make_http_load_client(io, target, run);
  if (transport == "websocket") return make_websocket_load_client(io, target, run);
  if (transport == "udp") return make_udp_load_client(io, target, run);
  if (transport == "tcp") return make_tcp_load_client(io, target, run);
  return nullptr;
}

}  // namespace gw::bench

int main(int argc, char** argv) {
  namespace asio = boost::asio;
  using Clock = std::chrono::steady_clock;
  using namespace gw;

  CLI::App app{"gateway_load: round trips per second of ping against a running gatewayd"};
  std::string transport, host = "127.0.0.1", key_file, send_to;
  unsigned short port = 0;
  std::size_t connections = 32, verify_every = 1;
  double seconds = 5, warmup = 1;
  app.add_option("--transport", transport, "http, websocket, udp or tcp")
      ->required()
      ->check(CLI::IsMember({"http", "websocket", "udp", "tcp"}));
  app.add_option("--host", host, "Gateway address (loopback only in tests and benchmarks)");
  app.add_option("--port", port, "The transport's port")->required();
  app.add_option("--key-file", key_file, "The gateway's key file")->required();
  app.add_option("--connections", connections, "Clients at once")->check(CLI::Range(1, 4096));
  app.add_option("--seconds", seconds, "Measured time")->check(CLI::Range(0.01, 600.0));
  app.add_option("--warmup", warmup, "Time before measuring")->check(CLI::Range(0.0, 60.0));
  app.add_option("--verify-every", verify_every, "Decrypt and check every Nth reply")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--send-to", send_to,
                 "Round trips are direct messages to this client (by name) instead of pings; "
                 "http, websocket or tcp");
  CLI11_PARSE(app, argc, argv);
  if (!send_to.empty() && transport == "udp") {
    std::fprintf(stderr, "gateway_load: --send-to is for http, websocket or tcp\n");
    return 2;
  }

  auto keys = message::KeyFile::load(key_file, message::KeyFile::Permissions::allow_insecure);
  if (!keys) {
    std::fprintf(stderr, "gateway_load: %s\n", keys.error().text.c_str());
    return 1;
  }
  const message::Codec codec(std::move(*keys), {std::chrono::seconds(0), 64 * 1024});
  bench::LoadRun run(codec, verify_every, send_to);

  asio::io_context io(1);
  boost::system::error_code error;
  const bench::Target target{asio::ip::make_address(host, error), port};
  if (error) {
    std::fprintf(stderr, "gateway_load: '%s' is not an IP address\n", host.c_str());
    return 2;
  }
  std::vector<std::shared_ptr<bench::LoadClient>> clients;
  for (std::size_t i = 0; i < connections; ++i) {
    clients.push_back(bench::make_load_client(transport, io, target, run));
    run.client_started();
    clients.back()->start();
  }

  Clock::time_point started, ended;
  asio::steady_timer phase(io), hard_stop(io);
  run.on_all_done = [&] {
    phase.cancel();
    hard_stop.cancel();
  };
  phase.expires_after(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(warmup)));
  phase.async_wait([&](boost::system::error_code warmup_error) {
    if (warmup_error) return;  // every client failed during the warm-up
    run.measuring = true;
    started = Clock::now();
    phase.expires_after(
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
    phase.async_wait([&](boost::system::error_code measure_error) {
      run.measuring = false;
      run.stopping = true;
      ended = Clock::now();
      if (measure_error) return;  // every client is done already
      // Clients finish the round trip in flight; one that cannot is not waited for.
      hard_stop.expires_after(std::chrono::seconds(3));
      hard_stop.async_wait([&](boost::system::error_code wait_error) {
        if (!wait_error) io.stop();
      });
    });
  });
  io.run();

  const double elapsed = std::chrono::duration<double>(ended - started).count();
  const double rate = elapsed > 0 ? static_cast<double>(run.round_trips()) / elapsed : 0;
  std::printf(
      "%-9s %4zu connections  %9llu round trips in %.2f s  = %9.0f round trips/s  "
      "(%llu handshakes, %llu replies decrypted and checked, %llu failures)\n",
      transport.c_str(), connections, static_cast<unsigned long long>(run.round_trips()), elapsed,
      rate, static_cast<unsigned long long>(run.handshakes()),
      static_cast<unsigned long long>(run.verified()),
      static_cast<unsigned long long>(run.failures()));
  if (run.failures() > 0) {
    std::fprintf(stderr, "gateway_load: first failure: %s\n", run.first_failure().c_str());
    return 1;
  }
  if (run.handshakes() != connections || run.round_trips() == 0) {
    std::fprintf(stderr, "gateway_load: %llu of %zu clients completed a handshake\n",
                 static_cast<unsigned long long>(run.handshakes()), connections);
    return 1;
  }
  return 0;
}
