#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <gw/message/codec.hpp>

namespace gw::bench {

// What every load client of one run shares: the tokens to send, the checks on what comes back,
// and the tallies. The load generator runs on one thread, so nothing here is atomic.
class LoadRun {
 public:
  // What each round trip sends: a ping, or with `send_to` a direct message to that client (a
  // session that polls, say: its mailbox is where the message goes).
  LoadRun(const message::Codec& codec, std::size_t verify_every, std::string send_to = {});

  // Every token is used once: the gateway acts on a token once. Tokens are made up front, so
  // that the client's CPU goes to the network rather than to encryption, in rings; a slot is
  // made anew when the ring comes round to it again, long after its last write completed.
  const std::string& handshake_token() { return next(handshakes_ring_, "handshake"); }
  const std::string& next_request() { return next(requests_, request_cmd()); }
  // The command of every round trip: ping or send.
  const char* request_cmd() const noexcept { return send_to_.empty() ? "ping" : "send"; }
  // A token made now, for UDP, where the gateway acts on each token once.
  std::string fresh_token(std::string_view cmd);

  // Checks a reply: every verify_every-th one is decrypted and must be `cmd` with code 200;
  // the others must at least be non-empty. Returns false (and counts it) on a bad reply.
  bool check(std::string_view reply, std::string_view cmd);
  // A client gives up: the failure is counted and the client is done.
  void count_failure(std::string what);
  // Clients say when they start and when they are done (stopped, or failed), so the run can
  // end as soon as the last one is done.
  void client_started() noexcept { ++active_clients_; }
  void client_done();
  std::function<void()> on_all_done;
  // Counts a checked reply (a handshake or a round trip). True: the client sends the next ping;
  // false: the run is stopping and the client is done.
  bool complete(std::string_view cmd);

  bool measuring = false;  // round trips are counted only while set
  bool stopping = false;   // clients stop after their current round trip

  std::uint64_t round_trips() const noexcept { return round_trips_; }
  std::uint64_t verified() const noexcept { return verified_; }
  std::uint64_t failures() const noexcept { return failures_; }
  std::uint64_t handshakes() const noexcept { return handshakes_; }
  const std::string& first_failure() const noexcept { return first_failure_; }

 private:
  struct TokenRing {
    std::vector<std::string> tokens;
    std::size_t next = 0;
    bool wrapped = false;
  };
  const std::string& next(TokenRing& ring, std::string_view cmd);

  const message::Codec& codec_;
  std::size_t verify_every_;
  TokenRing handshakes_ring_;
  TokenRing requests_;
  const std::string send_to_;
  std::uint64_t fresh_ = 0;
  std::uint64_t checked_ = 0;
  std::uint64_t round_trips_ = 0;
  std::uint64_t verified_ = 0;
  std::uint64_t failures_ = 0;
  std::uint64_t handshakes_ = 0;
  std::string first_failure_;
  std::size_t active_clients_ = 0;
};

}  // namespace gw::bench
