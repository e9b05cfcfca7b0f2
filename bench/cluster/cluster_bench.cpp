// Gateways of one cluster, measured against one gateway alone in the same run:
//  - pair: one publisher on gateway A, one subscriber on A (same gateway) or on B (across NATS);
//    deliveries per second, rounds alternating, and the cross / same ratio;
//  - fan-out: one publisher on A, S subscribers spread over A, B and C, against all S on A;
//  - replay window: a token sent to A and B at the same instant (both may pass: the window), and
//    to B only once A has answered (the stamp has crossed NATS, or not yet).
// Every delivery is decrypted and checked; every load is bounded in count and time.
//   cluster_bench --key-file F --ports A,B,C [--publishes 2000] [--subscribers 12] [--rounds 2]
//                 [--replay-trials 200]
#include <chrono>
#include <cstdio>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include <gw/message/codec.hpp>

#include "../tcp_line.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using gw::bench::expect_ok;
using gw::bench::request_token;
using gw::bench::TcpLine;
using gw::message::Codec;

constexpr std::size_t pipeline_depth = 64;
// A subscription travels to NATS, and on to the publisher's gateway, in milliseconds.
constexpr auto subscription_settles = std::chrono::milliseconds(300);
constexpr auto longest_wait = std::chrono::seconds(60);

// A session on a gateway: handshaken, subscribed to `filter` if one is given.
std::unique_ptr<TcpLine> session(const Codec& codec, asio::io_context& io,
                                 const tcp::endpoint& gateway, const std::string& filter = {}) {
  auto line = std::make_unique<TcpLine>(io, gateway);
  line->write({request_token(codec, "handshake")});
  expect_ok(codec, line->read_line(), "handshake");
  if (!filter.empty()) {
    line->write({request_token(codec, "subscribe", filter)});
    expect_ok(codec, line->read_line(), "subscribe");
  }
  return line;
}

// Reads `count` deliveries of `topic` on `line`, each decrypted and checked.
std::size_t receive(const Codec& codec, TcpLine& line, std::size_t count,
                    const std::string& topic) {
  for (std::size_t i = 0; i < count; ++i) {
    auto delivered = codec.decode(line.read_line());
    if (!delivered || delivered->topic != topic)
      throw std::runtime_error("a delivery that is not one of the publications");
  }
  return count;
}

// Deliveries per second: `publishes` publications on `publisher` to the subscribers (each
// subscribed to `topic`), from the first publish until the last subscriber has all of them.
double deliveries_per_second(const Codec& codec, TcpLine& publisher,
                             std::vector<std::unique_ptr<TcpLine>>& subscribers,
                             const std::string& topic, std::size_t publishes) {
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i < publishes; ++i)
    tokens.push_back(request_token(codec, "publish", topic, "reading " + std::to_string(i)));
  const auto start = Clock::now();
  std::vector<std::future<std::size_t>> received;
  for (auto& subscriber : subscribers)
    received.push_back(std::async(std::launch::async, [&codec, &subscriber, publishes, &topic] {
      return receive(codec, *subscriber, publishes, topic);
    }));
  for (std::size_t at = 0; at < publishes; at += pipeline_depth) {
    const auto end = std::min(publishes, at + pipeline_depth);
    publisher.write({tokens.begin() + static_cast<std::ptrdiff_t>(at),
                     tokens.begin() + static_cast<std::ptrdiff_t>(end)});
    for (std::size_t n = at; n < end; ++n)
      expect_ok(codec, publisher.read_line(), "publish");
  }
  std::size_t total = 0;
  for (auto& each : received) {
    if (each.wait_until(start + longest_wait) != std::future_status::ready)
      throw std::runtime_error("deliveries missing after " + std::to_string(longest_wait.count()) +
                               " s");
    total += each.get();
  }
  const std::chrono::duration<double> took = Clock::now() - start;
  return static_cast<double>(total) / took.count();
}

struct Cluster {
  const Codec& codec;
  asio::io_context& io;
  std::vector<tcp::endpoint> gateways;  // A, B, C
};

// One round: subscribers on the gateways `placed` names (indexes into cluster.gateways), a
// publisher on A.
double round_rate(Cluster& cluster, const std::vector<std::size_t>& placed, std::size_t publishes,
                  const std::string& topic) {
  std::vector<std::unique_ptr<TcpLine>> subscribers;
  for (const auto where : placed)
    subscribers.push_back(session(cluster.codec, cluster.io, cluster.gateways[where], topic));
  auto publisher = session(cluster.codec, cluster.io, cluster.gateways[0]);
  std::this_thread::sleep_for(subscription_settles);
  return deliveries_per_second(cluster.codec, *publisher, subscribers, topic, publishes);
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (const double value : values)
    sum += value;
  return sum / static_cast<double>(values.size());
}

// Runs `rounds` of two placements alternately; prints each and the ratio of their means.
void compare(Cluster& cluster, const char* what, const std::vector<std::size_t>& baseline,
             const std::vector<std::size_t>& measured, std::size_t publishes, std::size_t rounds) {
  std::vector<double> base_rates, rates;
  for (std::size_t round = 0; round < rounds; ++round) {
    const auto tag = std::string(what) + "/" + std::to_string(round);
    base_rates.push_back(round_rate(cluster, baseline, publishes, "bench/" + tag + "/one"));
    rates.push_back(round_rate(cluster, measured, publishes, "bench/" + tag + "/many"));
    std::printf("%s round %zu: one gateway %.0f, across gateways %.0f deliveries/s\n", what,
                round + 1, base_rates.back(), rates.back());
  }
  std::printf("%s: %.0f deliveries/s across gateways vs %.0f on one gateway, ratio %.2f\n", what,
              mean(rates), mean(base_rates), mean(rates) / mean(base_rates));
}

bool passes(const Codec& codec, TcpLine& line) {
  auto reply = codec.decode(line.read_line());
  return reply && reply->code.value_or(0) == 200;
}

// The replay window: how often a token sent to A and to B is acted on by both, when sent at the
// same instant, and when sent to B a delay after A answered (the stamp A shares crosses NATS
// meanwhile, or not yet).
void replay_window(Cluster& cluster, std::size_t trials) {
  auto a = std::make_unique<TcpLine>(cluster.io, cluster.gateways[0]);
  auto b = std::make_unique<TcpLine>(cluster.io, cluster.gateways[1]);
  std::size_t both = 0;
  for (std::size_t i = 0; i < trials; ++i) {
    const auto copy = request_token(cluster.codec, "ping");
    a->write({copy});
    b->write({copy});
    const bool a_passed = passes(cluster.codec, *a);
    if (passes(cluster.codec, *b) && a_passed) ++both;
  }
  std::printf(
      "replay window: of %zu tokens sent to A and B at the same instant, %zu were acted "
      "on by both\n",
      trials, both);
  for (const auto delay : {0, 250, 500, 1000, 2000, 5000}) {
    std::size_t passed = 0;
    for (std::size_t i = 0; i < trials; ++i) {
      const auto copy = request_token(cluster.codec, "ping");
      a->write({copy});
      if (!passes(cluster.codec, *a)) throw std::runtime_error("a fresh token was refused");
      std::this_thread::sleep_for(std::chrono::microseconds(delay));
      b->write({copy});
      if (passes(cluster.codec, *b)) ++passed;
    }
    std::printf("replay window: sent to B %5d us after A answered: %zu of %zu acted on again\n",
                delay, passed, trials);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cluster_bench: deliveries across gateways of a cluster against one gateway"};
  std::string host = "127.0.0.1", key_file;
  std::vector<unsigned short> ports;
  std::size_t publishes = 2000, subscribers = 12, rounds = 2, replay_trials = 200;
  app.add_option("--host", host, "The gateways' address (loopback only)");
  app.add_option("--ports", ports, "TCP ports of gateways A, B and C")
      ->required()
      ->delimiter(',')
      ->expected(3);
  app.add_option("--key-file", key_file, "The cluster's key file")->required();
  app.add_option("--publishes", publishes, "Publications per round")->check(CLI::Range(1, 1000000));
  app.add_option("--subscribers", subscribers, "Subscribers in the fan-out rounds")
      ->check(CLI::Range(3, 300));
  app.add_option("--rounds", rounds, "Rounds of each comparison")->check(CLI::Range(1, 20));
  app.add_option("--replay-trials", replay_trials, "Tokens sent to two gateways")
      ->check(CLI::Range(0, 100000));
  CLI11_PARSE(app, argc, argv);

  try {
    const auto codec = gw::bench::codec_from_key_file(key_file);
    asio::io_context io;
    Cluster cluster{codec, io, {}};
    for (const auto port : ports)
      cluster.gateways.emplace_back(asio::ip::make_address(host), port);

    compare(cluster, "pair", {0}, {1}, publishes, rounds);
    std::vector<std::size_t> on_a(subscribers, 0), spread;
    for (std::size_t i = 0; i < subscribers; ++i)
      spread.push_back(i % 3);
    compare(cluster, "fan-out", on_a, spread, publishes / 4 + 1, rounds);
    if (replay_trials > 0) replay_window(cluster, replay_trials);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "cluster_bench: %s\n", error.what());
    return 1;
  }
  return 0;
}
