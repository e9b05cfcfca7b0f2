// Calls per second through a service a client provides (`provide`), against the gateway's own
// `ping` in the same run, over WebSocket with the C++ client library as the caller: one call in
// flight (latency-bound), then many (one connection each). With --provide NAME this process
// also provides NAME itself, answering every call with its data (a C++ library service); else
// NAME must be provided by another process (bench/services/python_provider.py).
//   services_bench --key-file F --url ws://HOST:PORT/ws --service NAME [--provide] [--seconds S]
//                  [--in-flight N]
// Prints figures; asserts nothing. Every loop is bounded by --seconds.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include <gw/client/client.hpp>
#include <gw/message/key_file.hpp>

namespace {

using Clock = std::chrono::steady_clock;
using gw::message::Message;

struct Options {
  std::string key_file;
  std::string url;
  std::string service;
  bool provide = false;
  double seconds = 2;
  int in_flight = 16;
  std::string label;  // who provides the service, for the printed figures
};

// Requests `cmd` over and over on `client` until `deadline`; the count of 200 replies.
std::size_t call_until(gw::client::Client& client, const std::string& cmd,
                       Clock::time_point deadline) {
  std::size_t answered = 0;
  while (Clock::now() < deadline) {
    Message request;
    request.cmd = cmd;
    request.data = nlohmann::json{{"n", answered}};
    if (client.request(std::move(request)).code.value_or(200) == 200) ++answered;
  }
  return answered;
}

// Calls per second with `in_flight` connections, each with one call in flight.
double calls_per_second(const Options& options, const gw::message::KeyRing& keys,
                        const std::string& cmd, int in_flight) {
  gw::client::ClientOptions client_options;
  client_options.name = "caller";
  std::vector<gw::client::Client> callers;
  for (int i = 0; i < in_flight; ++i)
    callers.push_back(gw::client::Client::connect(options.url, keys, client_options));
  std::atomic<std::size_t> total{0};
  const auto started = Clock::now();
  const auto deadline = started + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(options.seconds));
  std::vector<std::thread> threads;
  for (auto& caller : callers)
    threads.emplace_back([&, deadline] { total += call_until(caller, cmd, deadline); });
  for (auto& thread : threads)
    thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  return static_cast<double>(total.load()) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app("Calls per second through a provided service, beside the gateway's ping");
  app.add_option("--key-file", options.key_file, "the gateway's key file")->required();
  app.add_option("--url", options.url, "the gateway's WebSocket URL")->required();
  app.add_option("--service", options.service, "the provided command to call")->required();
  app.add_flag("--provide", options.provide, "provide the service here, with the C++ library");
  app.add_option("--seconds", options.seconds, "each measurement's length");
  app.add_option("--in-flight", options.in_flight, "connections calling at once");
  app.add_option("--label", options.label, "who provides the service, as printed");
  CLI11_PARSE(app, argc, argv);
  const auto loaded = gw::message::KeyFile::load(options.key_file);
  if (!loaded) {
    std::fprintf(stderr, "services_bench: %s\n", loaded.error().text.c_str());
    return 2;
  }
  const auto& keys = *loaded;

  std::optional<gw::client::Client> provider;
  if (options.provide) {
    gw::client::ClientOptions provider_options;
    provider_options.name = "cpp-provider";
    provider.emplace(gw::client::Client::connect(options.url, keys, provider_options));
    const auto reply = provider->provide(options.service, [](const Message& call) {
      Message answer;
      answer.data = call.data;
      return std::optional<Message>(std::move(answer));
    });
    if (reply.code.value_or(200) != 200) {
      std::fprintf(stderr, "provide refused: %s\n", reply.text.c_str());
      return 1;
    }
  }
  const auto who = !options.label.empty() ? options.label
                   : options.provide      ? std::string("C++ library")
                                          : std::string("elsewhere");
  const double ping_one = calls_per_second(options, keys, "ping", 1);
  const double call_one = calls_per_second(options, keys, options.service, 1);
  const double ping_many = calls_per_second(options, keys, "ping", options.in_flight);
  const double call_many = calls_per_second(options, keys, options.service, options.in_flight);
  std::printf("%-12s service %-10s 1 in flight: %8.0f calls/s (ping %8.0f/s, ratio %.2f)\n",
              who.c_str(), options.service.c_str(), call_one, ping_one, call_one / ping_one);
  std::printf("%-12s service %-10s %d in flight: %7.0f calls/s (ping %8.0f/s, ratio %.2f)\n",
              who.c_str(), options.service.c_str(), options.in_flight, call_many, ping_many,
              call_many / ping_many);
  return 0;
}
