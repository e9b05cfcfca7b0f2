// Fan-out through a running gatewayd: one publisher, many WebSocket subscribers on one topic,
// deliveries per second; and the gateway's resident memory per idle WebSocket session.
//   fanout_bench --port WS_PORT --key-file F [--subscribers 1000] [--messages 1000]
//                [--idle 10000 --gateway-pid PID]
// bench/fanout_bench.sh starts a gateway and runs this. Figures are printed, nothing asserted.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <gw/message/codec.hpp>
#include <gw/message/key_file.hpp>

#include "raw_websocket.hpp"

namespace {

namespace asio = boost::asio;
using gw::bench::RawWebSocket;
using Clock = std::chrono::steady_clock;

struct Options {
  unsigned short port = 0;
  std::string key_file;
  std::size_t subscribers = 1000;
  std::size_t messages = 1000;
  std::size_t window = 32;
  std::size_t idle = 0;
  int gateway_pid = 0;
  std::size_t verify_every = 997;
  double timeout = 120;
};

// VmRSS of a process, in bytes.
std::size_t resident_bytes(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmRSS:")) return std::stoul(line.substr(6)) * 1024;
  return 0;
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fanout_bench: %s\n", what.c_str());
  std::exit(1);
}

// Runs the io_context until `done` says so, failing after the timeout.
void run_until(asio::io_context& io, const Options& options, const std::function<bool()>& done,
               const char* phase) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(options.timeout);
  while (!done()) {
    io.run_for(std::chrono::milliseconds(20));
    if (Clock::now() > deadline) fail(std::string("timed out: ") + phase);
  }
}

std::vector<std::shared_ptr<RawWebSocket>> connect_many(asio::io_context& io,
                                                        const asio::ip::tcp::endpoint& gateway,
                                                        std::size_t count, const Options& options,
                                                        const RawWebSocket::OnText& on_text) {
  std::vector<std::shared_ptr<RawWebSocket>> sockets;
  std::size_t opened = 0;
  constexpr std::size_t in_flight = 256;  // handshakes at once, as a crowd of devices would
  while (sockets.size() < count) {
    const auto batch = std::min(count, sockets.size() + in_flight);
    while (sockets.size() < batch) {
      auto ws = std::make_shared<RawWebSocket>(io, on_text, [](const std::string& w) { fail(w); });
      ws->start(gateway, [&opened] { ++opened; });
      sockets.push_back(std::move(ws));
    }
    run_until(
        io, options, [&] { return opened == sockets.size(); }, "connecting");
  }
  return sockets;
}

void measure_idle_memory(asio::io_context& io, const asio::ip::tcp::endpoint& gateway,
                         const Options& options) {
  if (options.idle == 0 || options.gateway_pid == 0) return;
  const auto before = resident_bytes(options.gateway_pid);
  std::size_t welcomed = 0;
  auto idle = connect_many(io, gateway, options.idle, options,
                           [&welcomed](std::string_view) { ++welcomed; });
  run_until(
      io, options, [&] { return welcomed == options.idle; }, "welcomes");
  io.run_for(std::chrono::milliseconds(500));  // let the gateway settle
  const auto after = resident_bytes(options.gateway_pid);
  const auto mib = [](std::size_t bytes) { return static_cast<double>(bytes) / 1048576.0; };
  const double per_session = (static_cast<double>(after) - static_cast<double>(before)) /
                             static_cast<double>(options.idle);
  std::printf(
      "idle      %6zu WebSocket sessions  gatewayd resident %.1f -> %.1f MiB  "
      "%.1f KiB per session\n",
      options.idle, mib(before), mib(after), per_session / 1024);
  for (auto& ws : idle)
    ws->close();
  io.run_for(std::chrono::milliseconds(500));
}

void measure_fanout(asio::io_context& io, const asio::ip::tcp::endpoint& gateway,
                    const gw::message::Codec& codec, const Options& options) {
  const std::string topic = "bench/fanout";
  std::vector<std::string> publications;
  for (std::size_t i = 0; i < options.messages; ++i) {
    gw::message::Message m;
    m.cmd = "publish";
    m.topic = topic;
    m.text = "reading " + std::to_string(i);
    m.user_id = "publisher";
    publications.push_back(*codec.encode(m));
  }
  std::vector<std::size_t> seen(options.subscribers, 0);  // text frames per subscriber
  std::size_t ready = 0, delivered = 0, verified = 0;
  const auto expected = options.subscribers * options.messages;
  Clock::time_point last_delivery;
  auto subscribers = std::vector<std::shared_ptr<RawWebSocket>>();
  // A subscribe token of its own for each subscriber: the gateway acts on a token once.
  const auto subscribe = [&] {
    gw::message::Message m;
    m.cmd = "subscribe";
    m.topic = "bench/+";
    return *codec.encode(m);
  };
  for (std::size_t i = 0; i < options.subscribers; ++i) {
    // Frame 1 is the welcome, frame 2 the subscribe acknowledgement, then deliveries.
    auto on_text = [&, i](std::string_view payload) {
      const auto n = ++seen[i];
      if (n == 1) return subscribers[i]->send(subscribe());
      if (n == 2) return void(++ready);
      if (++delivered % options.verify_every == 0) {
        auto message = codec.decode(payload);
        if (!message || message->topic != topic || message->user_id != "publisher")
          fail("a delivery that is not the publication");
        ++verified;
      }
      if (delivered == expected) last_delivery = Clock::now();
    };
    subscribers.push_back(
        std::make_shared<RawWebSocket>(io, on_text, [](const std::string& w) { fail(w); }));
  }
  std::size_t opened = 0;
  for (std::size_t i = 0; i < options.subscribers; ++i) {
    subscribers[i]->start(gateway, [&opened] { ++opened; });
    if (i % 256 == 255)
      run_until(
          io, options, [&] { return opened == i + 1; }, "connecting");
  }
  run_until(
      io, options, [&] { return ready == options.subscribers; }, "subscribing");

  std::size_t sent = 0, acknowledged = 0, publisher_frames = 0;
  std::shared_ptr<RawWebSocket> publisher;
  publisher = std::make_shared<RawWebSocket>(
      io,
      [&](std::string_view) {
        if (++publisher_frames == 1) return;  // the welcome
        ++acknowledged;
        if (sent < publications.size()) publisher->send(publications[sent++]);
      },
      [](const std::string& w) { fail(w); });
  bool publisher_open = false;
  publisher->start(gateway, [&] { publisher_open = true; });
  run_until(
      io, options, [&] { return publisher_open && publisher_frames >= 1; }, "publisher");

  const auto start = Clock::now();
  while (sent < std::min(options.window, publications.size()))
    publisher->send(publications[sent++]);
  run_until(
      io, options, [&] { return delivered == expected; }, "deliveries");
  const double seconds = std::chrono::duration<double>(last_delivery - start).count();
  std::printf(
      "fan-out   1 publisher -> %zu WebSocket subscribers  %zu messages  %.3f s  "
      "%.0f deliveries/s  (%zu verified by decryption)\n",
      options.subscribers, options.messages, seconds, static_cast<double>(expected) / seconds,
      verified);
  for (auto& ws : subscribers)
    ws->close();
  publisher->close();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "fanout_bench: deliveries per second from one publisher to many WebSocket "
      "subscribers, and memory per idle WebSocket session, against a running gatewayd"};
  Options options;
  app.add_option("--port", options.port, "The gateway's WebSocket port")->required();
  app.add_option("--key-file", options.key_file, "The gateway's key file")->required();
  app.add_option("--subscribers", options.subscribers)->check(CLI::Range(1, 20000));
  app.add_option("--messages", options.messages, "Publications")->check(CLI::Range(1, 1000000));
  app.add_option("--window", options.window, "Publications awaiting their acknowledgement")
      ->check(CLI::Range(1, 4096));
  app.add_option("--idle", options.idle, "Idle sessions for the memory figure (0: skip)")
      ->check(CLI::Range(0, 20000));
  app.add_option("--gateway-pid", options.gateway_pid, "gatewayd's process id, for its memory");
  app.add_option("--verify-every", options.verify_every, "Decrypt every Nth delivery")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--timeout", options.timeout, "Give up after this many seconds per phase");
  CLI11_PARSE(app, argc, argv);

  auto keys = gw::message::KeyFile::load(options.key_file,
                                         gw::message::KeyFile::Permissions::allow_insecure);
  if (!keys) fail(keys.error().text);
  const gw::message::Codec codec(std::move(*keys), {std::chrono::seconds(0), 64 * 1024});
  asio::io_context io(1);
  // Runs are driven with run_for; without this the context would stop whenever it ran dry.
  const auto keep_running = asio::make_work_guard(io);
  const asio::ip::tcp::endpoint gateway(asio::ip::make_address("127.0.0.1"), options.port);
  measure_idle_memory(io, gateway, options);
  measure_fanout(io, gateway, codec, options);
  return 0;
}
