// What publishing costs once many unrelated topic filters are held: S sessions (TCP
// connections) hold a few filters, then many; a publisher sends pipelined publishes to a topic
// no filter matches, and the two rates are compared. Rounds go few, many, few, many..., the
// filters unsubscribed and subscribed again between them, so that drift weighs on both alike.
// Every reply is decrypted and must be code 200.
//   topic_bench --port N --key-file F [--sessions 1000] [--few 10] [--many 100000]
//               [--publishes 4000] [--rounds 2]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <gw/message/codec.hpp>

#include "../tcp_line.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using gw::message::Codec;
using Line = gw::bench::TcpLine;
using gw::bench::expect_ok;

constexpr std::size_t pipeline_depth = 64;  // requests in flight per connection

std::string token_for(const Codec& codec, const std::string& cmd, const std::string& topic) {
  return gw::bench::request_token(codec, cmd, topic, cmd == "publish" ? "nobody listens" : "");
}

// Sends each connection its requests, pipeline_depth at a time, and checks every reply.
void exchange(const Codec& codec, std::vector<Line>& lines,
              const std::vector<std::vector<std::string>>& tokens, const std::string& cmd) {
  std::size_t longest = 0;
  for (const auto& list : tokens)
    longest = std::max(longest, list.size());
  for (std::size_t start = 0; start < longest; start += pipeline_depth) {
    std::vector<std::size_t> sent(lines.size(), 0);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const auto& list = tokens[i];
      if (start >= list.size()) continue;
      const auto end = std::min(list.size(), start + pipeline_depth);
      lines[i].write({list.begin() + static_cast<std::ptrdiff_t>(start),
                      list.begin() + static_cast<std::ptrdiff_t>(end)});
      sent[i] = end - start;
    }
    for (std::size_t i = 0; i < lines.size(); ++i)
      for (std::size_t n = 0; n < sent[i]; ++n)
        expect_ok(codec, lines[i].read_line(), cmd);
  }
}

// Filters that match nothing published here, and some of them wildcards, as a LAN's devices
// hold: "sensors/<s>/<n>", "+/<s>/<n>/state", "devices/<s>/<n>/#".
std::string unrelated_filter(std::size_t session, std::size_t n) {
  const auto tail = std::to_string(session) + "/" + std::to_string(n);
  switch (n % 3) {
    case 0:
      return "sensors/" + tail;
    case 1:
      return "+/" + tail + "/state";
    default:
      return "devices/" + tail + "/#";
  }
}

// `count` filters spread over the sessions, by session: what each subscribes (or unsubscribes).
std::vector<std::vector<std::string>> filter_tokens(const Codec& codec, const std::string& cmd,
                                                    std::size_t sessions, std::size_t from,
                                                    std::size_t to) {
  std::vector<std::vector<std::string>> tokens(sessions);
  for (std::size_t k = from; k < to; ++k)
    tokens[k % sessions].push_back(token_for(codec, cmd, unrelated_filter(k % sessions, k)));
  return tokens;
}

// Publishes per second, one publisher, pipelined.
double publish_rate(const Codec& codec, Line& publisher, std::size_t publishes) {
  std::vector<std::vector<std::string>> tokens(1);
  for (std::size_t i = 0; i < publishes; ++i)
    tokens[0].push_back(token_for(codec, "publish", "measure/nobody/listens"));
  const auto start = Clock::now();
  for (std::size_t at = 0; at < publishes; at += pipeline_depth) {
    const auto end = std::min(publishes, at + pipeline_depth);
    publisher.write({tokens[0].begin() + static_cast<std::ptrdiff_t>(at),
                     tokens[0].begin() + static_cast<std::ptrdiff_t>(end)});
    for (std::size_t n = at; n < end; ++n)
      expect_ok(codec, publisher.read_line(), "publish");
  }
  const std::chrono::duration<double> took = Clock::now() - start;
  return static_cast<double>(publishes) / took.count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"topic_bench: publish rate with few and with many unrelated topic filters held"};
  std::string host = "127.0.0.1", key_file;
  unsigned short port = 0;
  std::size_t sessions = 1000, few = 10, many = 100000, publishes = 4000, rounds = 2;
  app.add_option("--host", host, "Gateway address (loopback only in tests and benchmarks)");
  app.add_option("--port", port, "The gateway's TCP port")->required();
  app.add_option("--key-file", key_file, "The gateway's key file")->required();
  app.add_option("--sessions", sessions, "Sessions holding the filters")
      ->check(CLI::Range(1, 4000));
  app.add_option("--few", few, "Filters held in the few-filter rounds")->check(CLI::Range(0, 1000));
  app.add_option("--many", many, "Filters held in the many-filter rounds")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--publishes", publishes, "Publishes measured per round")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--rounds", rounds, "Pairs of rounds (few, many)")->check(CLI::Range(1, 20));
  CLI11_PARSE(app, argc, argv);
  if (few >= many) {
    std::fprintf(stderr, "topic_bench: --few must be below --many\n");
    return 2;
  }

  try {
    const auto codec = gw::bench::codec_from_key_file(key_file);
    asio::io_context io;
    const tcp::endpoint gateway(asio::ip::make_address(host), port);

    std::vector<Line> lines;
    lines.reserve(sessions);
    for (std::size_t i = 0; i < sessions; ++i)
      lines.emplace_back(io, gateway);
    Line publisher(io, gateway);
    {
      std::vector<std::vector<std::string>> handshakes(sessions);
      for (auto& list : handshakes)
        list.push_back(token_for(codec, "handshake", ""));
      exchange(codec, lines, handshakes, "handshake");
      publisher.write({token_for(codec, "handshake", "")});
      expect_ok(codec, publisher.read_line(), "handshake");
    }

    exchange(codec, lines, filter_tokens(codec, "subscribe", sessions, 0, few), "subscribe");
    std::vector<double> few_rates, many_rates;
    for (std::size_t round = 0; round < rounds; ++round) {
      few_rates.push_back(publish_rate(codec, publisher, publishes));
      exchange(codec, lines, filter_tokens(codec, "subscribe", sessions, few, many), "subscribe");
      many_rates.push_back(publish_rate(codec, publisher, publishes));
      exchange(codec, lines, filter_tokens(codec, "unsubscribe", sessions, few, many),
               "unsubscribe");
    }

    const auto mean = [](const std::vector<double>& v) {
      double sum = 0;
      for (const double x : v)
        sum += x;
      return sum / static_cast<double>(v.size());
    };
    for (std::size_t round = 0; round < rounds; ++round)
      std::printf("round %zu  %7zu filters %9.0f publishes/s   %7zu filters %9.0f publishes/s\n",
                  round + 1, few, few_rates[round], many, many_rates[round]);
    std::printf(
        "publish with %zu vs %zu unrelated filters held by %zu sessions: "
        "%.0f vs %.0f publishes/s, cost ratio %.2f (time per publish, many / few)\n",
        many, few, sessions, mean(many_rates), mean(few_rates), mean(few_rates) / mean(many_rates));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "topic_bench: %s\n", error.what());
    return 1;
  }
  return 0;
}
