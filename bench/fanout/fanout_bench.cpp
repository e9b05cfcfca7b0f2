// Fan-out through a running gatewayd: one publisher, many WebSocket subscribers on one topic,
// deliveries per second; the same pattern through a running nats-server with NATS subscribers
// (--nats-port), and the ratio; and the gateway's resident memory per idle WebSocket session,
// then its CPU while each idle session gets a message a second (--idle-seconds).
//   fanout_bench --port WS_PORT --key-file F [--subscribers 1000] [--messages 1000]
//                [--idle 10000 --gateway-pid PID [--idle-seconds S]] [--nats-port P]
// bench/fanout_bench.sh starts the servers and runs this. Figures are printed, nothing asserted.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <gw/message/codec.hpp>
#include <gw/message/key_file.hpp>

#include "raw_nats.hpp"
#include "raw_websocket.hpp"

namespace {

namespace asio = boost::asio;
using gw::bench::RawNats;
using gw::bench::RawWebSocket;
using Clock = std::chrono::steady_clock;

struct Options {
  unsigned short port = 0;
  std::string key_file;
  std::size_t subscribers = 1000;
  std::size_t messages = 1000;
  std::size_t window = 32;
  std::size_t idle = 0;
  double idle_seconds = 0;
  int gateway_pid = 0;
  unsigned short nats_port = 0;
  std::size_t verify_every = 997;
  double timeout = 120;
};

// CPU time a process has used, user and system, in seconds.
double cpu_seconds(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields 14 and 15 (utime, stime), counted after the command name, which may hold blanks.
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i)
    if (i >= 14) ticks += std::stod(field);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

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

// What the idle sessions have received. Every welcome comes first; then (with --idle-seconds)
// every acknowledgement of a subscription; then deliveries. Each phase ends before the next.
struct IdleCounts {
  enum class Phase { welcomes, subscriptions, deliveries } phase = Phase::welcomes;
  std::size_t welcomed = 0, subscribed = 0, delivered = 0;

  void count_frame() {
    auto& counter = phase == Phase::welcomes        ? welcomed
                    : phase == Phase::subscriptions ? subscribed
                                                    : delivered;
    ++counter;
  }
};

double mib(std::size_t bytes) {
  return static_cast<double>(bytes) / 1048576.0;
}

// All idle sessions subscribe, and one publication a second reaches each of them, for
// --idle-seconds: the gateway's CPU and memory meanwhile.
void measure_idle_traffic(asio::io_context& io, const asio::ip::tcp::endpoint& gateway,
                          const gw::message::Codec& codec, const Options& options,
                          const std::vector<std::shared_ptr<RawWebSocket>>& idle,
                          IdleCounts& counts) {
  const auto token = [&](const char* cmd, std::string text) {
    gw::message::Message m;
    m.cmd = cmd;
    m.topic = "bench/idle";
    m.text = std::move(text);
    return *codec.encode(m);
  };
  counts.phase = IdleCounts::Phase::subscriptions;
  for (const auto& ws : idle)
    ws->send(token("subscribe", ""));
  run_until(
      io, options, [&] { return counts.subscribed == options.idle; }, "subscribing");
  counts.phase = IdleCounts::Phase::deliveries;
  auto publisher = std::make_shared<RawWebSocket>(
      io, [](std::string_view) {}, [](const std::string& w) { fail(w); });
  bool open = false;
  publisher->start(gateway, [&open] { open = true; });
  run_until(
      io, options, [&] { return open; }, "publisher");

  const auto cpu_before = cpu_seconds(options.gateway_pid);
  const auto start = Clock::now();
  std::size_t published = 0;
  while (Clock::now() - start < std::chrono::duration<double>(options.idle_seconds)) {
    publisher->send(token("publish", "second " + std::to_string(published)));
    ++published;
    io.run_until(start + std::chrono::seconds(published));
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const auto cpu = cpu_seconds(options.gateway_pid) - cpu_before;
  const auto expected = published * options.idle;
  run_until(
      io, options, [&] { return counts.delivered >= expected; }, "deliveries");
  std::printf(
      "idle      %6zu subscribed sessions, a message a second to each for %.0f s: gatewayd "
      "CPU %.1f%% of a core, resident %.1f MiB, %zu of %zu deliveries\n",
      options.idle, elapsed, 100 * cpu / elapsed, mib(resident_bytes(options.gateway_pid)),
      counts.delivered, expected);
  publisher->close();
}

void measure_idle_sessions(asio::io_context& io, const asio::ip::tcp::endpoint& gateway,
                           const gw::message::Codec& codec, const Options& options) {
  if (options.idle == 0 || options.gateway_pid == 0) return;
  const auto before = resident_bytes(options.gateway_pid);
  IdleCounts counts;
  auto idle = connect_many(io, gateway, options.idle, options,
                           [&counts](std::string_view) { counts.count_frame(); });
  run_until(
      io, options, [&] { return counts.welcomed == options.idle; }, "welcomes");
  io.run_for(std::chrono::milliseconds(500));  // let the gateway settle
  const auto after = resident_bytes(options.gateway_pid);
  const double per_session = (static_cast<double>(after) - static_cast<double>(before)) /
                             static_cast<double>(options.idle);
  std::printf(
      "idle      %6zu WebSocket sessions  gatewayd resident %.1f -> %.1f MiB  "
      "%.1f KiB per session\n",
      options.idle, mib(before), mib(after), per_session / 1024);
  if (options.idle_seconds > 0) measure_idle_traffic(io, gateway, codec, options, idle, counts);
  for (auto& ws : idle)
    ws->close();
  io.run_for(std::chrono::milliseconds(500));
}

// Sends the publisher's first window, the rest going out as acknowledgements come, waits for
// every delivery and returns deliveries per second, from the first publication to the last
// delivery.
double time_deliveries(asio::io_context& io, const Options& options,
                       const std::function<void()>& publish_next, const std::size_t& sent,
                       const std::size_t& delivered, std::size_t expected,
                       const Clock::time_point& last_delivery, const char* phase) {
  const auto start = Clock::now();
  while (sent < std::min(options.window, options.messages))
    publish_next();
  run_until(
      io, options, [&] { return delivered == expected; }, phase);
  return static_cast<double>(expected) /
         std::chrono::duration<double>(last_delivery - start).count();
}

template <class Client>
void close_all(const std::vector<std::shared_ptr<Client>>& subscribers, Client& publisher) {
  for (const auto& subscriber : subscribers)
    subscriber->close();
  publisher.close();
}

struct FanoutFigures {
  double per_second = 0;
  std::size_t payload_bytes = 0;  // of a delivery
};

FanoutFigures measure_fanout(asio::io_context& io, const asio::ip::tcp::endpoint& gateway,
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
  std::size_t ready = 0, delivered = 0, verified = 0, payload_bytes = 0;
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
      payload_bytes = payload.size();
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

  const double per_second = time_deliveries(
      io, options, [&] { publisher->send(publications[sent++]); }, sent, delivered, expected,
      last_delivery, "deliveries");
  std::printf(
      "fan-out   1 publisher -> %zu WebSocket subscribers  %zu messages  %.0f deliveries/s  "
      "(%zu verified by decryption)\n",
      options.subscribers, options.messages, per_second, verified);
  close_all(subscribers, *publisher);
  return {per_second, payload_bytes};
}

// The same pattern through nats-server: NATS subscribers, one publisher with as many PUBs
// awaiting their PONG as the gateway's publisher has publications awaiting acknowledgement,
// payloads the size of the gateway's deliveries. Returns deliveries per second.
double measure_nats_fanout(asio::io_context& io, const asio::ip::tcp::endpoint& server,
                           std::size_t payload_bytes, const Options& options) {
  const std::string subject = "bench.fanout";
  const std::string payload(payload_bytes, 'x');
  std::size_t ready = 0, delivered = 0;
  const auto expected = options.subscribers * options.messages;
  Clock::time_point last_delivery;
  std::vector<std::shared_ptr<RawNats>> subscribers;
  const auto on_failure = [](const std::string& w) { fail(w); };
  for (std::size_t i = 0; i < options.subscribers; ++i) {
    auto on_message = [&](std::string_view got) {
      if (got.size() != payload_bytes) fail("a NATS message that is not the publication");
      if (++delivered == expected) last_delivery = Clock::now();
    };
    subscribers.push_back(std::make_shared<RawNats>(
        io, on_message, [] {}, on_failure));
    subscribers.back()->start(server, subject, [&ready] { ++ready; });
    if (i % 256 == 255)
      run_until(
          io, options, [&] { return ready == i + 1; }, "connecting to nats-server");
  }
  run_until(
      io, options, [&] { return ready == options.subscribers; }, "NATS subscribing");

  std::size_t sent = 0;
  bool open = false;
  std::shared_ptr<RawNats> publisher;
  publisher = std::make_shared<RawNats>(
      io, [](std::string_view) {},
      [&] {
        if (sent < options.messages) publisher->publish(subject, payload), ++sent;
      },
      on_failure);
  publisher->start(server, "", [&open] { open = true; });
  run_until(
      io, options, [&] { return open; }, "NATS publisher");
  const double per_second = time_deliveries(
      io, options, [&] { publisher->publish(subject, payload), ++sent; }, sent, delivered, expected,
      last_delivery, "NATS deliveries");
  std::printf(
      "nats      1 publisher -> %zu NATS subscribers       %zu messages  %.0f deliveries/s  "
      "(nats-server, %zu-byte payloads)\n",
      options.subscribers, options.messages, per_second, payload_bytes);
  close_all(subscribers, *publisher);
  return per_second;
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
  app.add_option("--idle-seconds", options.idle_seconds,
                 "Then a message a second to each idle session for this long (0: skip)")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--nats-port", options.nats_port,
                 "A nats-server's port: the same fan-out through it, with NATS subscribers");
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
  measure_idle_sessions(io, gateway, codec, options);
  const auto ours = measure_fanout(io, gateway, codec, options);
  if (options.nats_port != 0) {
    const asio::ip::tcp::endpoint nats(asio::ip::make_address("127.0.0.1"), options.nats_port);
    const auto theirs = measure_nats_fanout(io, nats, ours.payload_bytes, options);
    std::printf("ratio gatewayd / nats-server deliveries per second: %.2f (target at least 1)\n",
                ours.per_second / theirs);
  }
  return 0;
}
