// The replay guard's cost beside what every message costs anyway, in one run: the guard's
// admit() per token, against the codec's decode of a ping token, and the resident memory of a
// full guard per remembered token.
//   replay_guard_bench [--seconds S]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <gw/message/codec.hpp>
#include <gw/message/fernet.hpp>

#include "admission/replay_guard.hpp"
#include "calls_per_second.hpp"

namespace {

using gw::gateway::ReplayGuard;
using gw::message::TokenStamp;

long resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

// Tokens as a busy LAN sends them: `per_second` a second, each with a random MAC.
struct StampSource {
  std::uint64_t state = 0x9e3779b97f4a7c15;
  std::uint64_t serial = 0;
  std::uint64_t per_second;
  gw::message::UnixSeconds start;

  TokenStamp next() {
    TokenStamp stamp;
    stamp.timestamp = start + static_cast<gw::message::UnixSeconds>(serial++ / per_second);
    for (std::size_t i = 0; i < stamp.mac.size(); i += 8) {
      state ^= state << 13;  // xorshift: the MAC of an authentic token is as good as random
      state ^= state >> 7;
      state ^= state << 17;
      for (std::size_t j = 0; j < 8; ++j)
        stamp.mac[i + j] = static_cast<std::uint8_t>(state >> (8 * j));
    }
    return stamp;
  }
  gw::message::UnixSeconds now() const {
    return start + static_cast<gw::message::UnixSeconds>(serial / per_second);
  }
};

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1.0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: replay_guard_bench [--seconds S]\n");
      return 2;
    }
  }
  const gw::message::UnixSeconds start = 1'700'000'000;

  // The codec's work for one incoming ping: what the guard is measured against.
  const gw::message::Codec codec(gw::message::KeyRing({gw::message::Fernet::generate()}));
  gw::message::Message ping;
  ping.user_id = "bench";
  ping.cmd = "ping";
  ping.id = "1";
  const auto token = *codec.encode(ping);
  const auto now = gw::message::unix_now();
  const double decodes = gw::bench::calls_per_second(
      [&] { return codec.decode_stamped(token, now)->message.cmd.size(); }, seconds);
  gw::message::Message pong = ping;
  pong.text = "pong";
  pong.code = 200;
  const double encodes =
      gw::bench::calls_per_second([&] { return codec.encode(pong)->size(); }, seconds);
  const double codec_ns = 1e9 / decodes + 1e9 / encodes;  // a round trip's codec work

  // The guard at its default bound, 10,000 tokens a second: full after 26 s of such traffic,
  // so the measurement includes forgetting the oldest seconds.
  ReplayGuard guard(ReplayGuard::Options{}, start);
  StampSource source{0x9e3779b97f4a7c15, 0, 10'000, start};
  const double admits = gw::bench::calls_per_second(
      [&] {
        const auto stamp = source.next();
        return guard.admit(stamp, source.now()) == ReplayGuard::Verdict::fresh ? 1u : 0u;
      },
      seconds);

  // Memory: a fresh guard filled to its bound within the TTL.
  const long before = resident_kib();
  const auto filled = std::make_unique<ReplayGuard>(ReplayGuard::Options{}, start);
  StampSource fill{0x2545f4914f6cdd1d, 0, 5'000, start};
  const auto capacity = ReplayGuard::Options{}.capacity;
  for (std::size_t i = 0; i < capacity; ++i)
    (void)filled->admit(fill.next(), fill.now());
  const long after = resident_kib();

  std::printf("codec decode (ping)     %10.0f tokens/s  %7.1f ns/token\n", decodes, 1e9 / decodes);
  std::printf("codec encode (pong)     %10.0f tokens/s  %7.1f ns/token\n", encodes, 1e9 / encodes);
  std::printf("replay guard admit      %10.0f tokens/s  %7.1f ns/token\n", admits, 1e9 / admits);
  // A round trip decodes a request and encodes a reply, and does much else besides (the
  // transport, the command): against the codec's work alone, the guard's share is an upper
  // bound of what it takes from throughput.
  const double guard_ns = 1e9 / admits;
  std::printf(
      "guard cost per round trip  %.1f %% of its codec work alone: throughput with the "
      "guard at least %.3f of without\n",
      100.0 * guard_ns / codec_ns, codec_ns / (codec_ns + guard_ns));
  std::printf(
      "guard memory            %zu tokens remembered, %.1f MiB resident, %.1f bytes/token\n",
      filled->size(), double(after - before) / 1024.0,
      1024.0 * double(after - before) / double(filled->size()));
  return 0;
}
