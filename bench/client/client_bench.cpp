// What the client library costs, per transport, against a running gatewayd on this machine:
// connect + handshake time, sequential request round trips (rate and latency percentiles), and
// the time from publish() to a subscriber's handler. Prints figures; asserts nothing.
//   client_bench --key-file F [--ca-file CERT] [--seconds S] [--connects N] URL...
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <gw/client/client.hpp>
#include <gw/message/key_file.hpp>

namespace {

using Clock = std::chrono::steady_clock;

double micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size()));
  return values[std::min(values.size() - 1, index)];
}

struct Figures {
  double connect_p50 = 0;
  double requests_per_second = 0;
  double request_p50 = 0;
  double request_p99 = 0;
  double delivery_p50 = 0;
  double delivery_p99 = 0;
};

Figures measure(const std::string& url, const gw::message::KeyRing& keys, double seconds,
                int connects, const std::string& ca_file) {
  Figures figures;
  gw::client::ClientOptions options;
  options.name = "bench";
  options.ca_file = ca_file;
  options.receive = false;
  std::vector<double> samples;
  for (int i = 0; i < connects; ++i) {
    const auto started = Clock::now();
    auto client = gw::client::Client::connect(url, keys, options);
    samples.push_back(micros(Clock::now() - started));
  }
  figures.connect_p50 = percentile(samples, 0.5);

  // Sequential pings: one request in flight, so this is latency-bound.
  auto client = gw::client::Client::connect(url, keys, options);
  samples.clear();
  const auto budget = std::chrono::duration<double>(seconds);
  const auto started = Clock::now();
  for (int i = 0; i < 1'000'000 && Clock::now() - started < budget; ++i) {
    const auto sent = Clock::now();
    if (client.ping().code != 200) throw std::runtime_error("ping failed");
    samples.push_back(micros(Clock::now() - sent));
  }
  figures.requests_per_second = static_cast<double>(samples.size()) /
                                std::chrono::duration<double>(Clock::now() - started).count();
  figures.request_p50 = percentile(samples, 0.5);
  figures.request_p99 = percentile(samples, 0.99);

  // publish() on one client to the handler of another, on the same transport.
  options.receive = true;
  auto subscriber = gw::client::Client::connect(url, keys, options);
  std::mutex mutex;
  std::condition_variable arrived;
  Clock::time_point received_at;
  int received = 0;
  subscriber.subscribe("bench/latency", [&](const gw::message::Message&) {
    std::lock_guard lock(mutex);
    received_at = Clock::now();
    ++received;
    arrived.notify_one();
  });
  samples.clear();
  const auto publish_started = Clock::now();
  for (int i = 0; i < 100'000 && Clock::now() - publish_started < budget; ++i) {
    const auto sent = Clock::now();
    client.publish("bench/latency", "x");
    std::unique_lock lock(mutex);
    if (!arrived.wait_for(lock, std::chrono::seconds(5), [&] { return received > i; }))
      throw std::runtime_error("a publication did not arrive within 5 s");
    samples.push_back(micros(received_at - sent));
  }
  figures.delivery_p50 = percentile(samples, 0.5);
  figures.delivery_p99 = percentile(samples, 0.99);
  return figures;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"client_bench: the client library's costs per transport against a running gatewayd"};
  std::string key_file;
  double seconds = 3;
  int connects = 50;
  std::string ca_file;
  std::vector<std::string> urls;
  app.add_option("--key-file", key_file, "the gateway's key file")->required();
  app.add_option("--ca-file", ca_file, "for https:// and wss://: the certificate to trust");
  app.add_option("--seconds", seconds, "time for each measurement (default 3)");
  app.add_option("--connects", connects, "connects timed per transport (default 50)");
  app.add_option("urls", urls, "gateway URLs, one per transport")->required();
  CLI11_PARSE(app, argc, argv);
  auto keys = gw::message::KeyFile::load(key_file);
  if (!keys) {
    std::cerr << "client_bench: " << keys.error().text << '\n';
    return 2;
  }
  std::printf("%-28s %12s %14s %12s %12s %14s %12s\n", "url", "connect p50", "requests/s",
              "request p50", "request p99", "publish->sub p50", "p99");
  for (const auto& url : urls) {
    const auto f = measure(url, *keys, seconds, connects, ca_file);
    std::printf("%-28s %9.0f us %14.0f %9.0f us %9.0f us %13.0f us %9.0f us\n", url.c_str(),
                f.connect_p50, f.requests_per_second, f.request_p50, f.request_p99, f.delivery_p50,
                f.delivery_p99);
  }
  return 0;
}
