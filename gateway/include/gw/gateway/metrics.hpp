#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <gw/message/error.hpp>
#include <gw/transports/session.hpp>
#include <gw/transports/transport_stats.hpp>

namespace gw::gateway {

struct ServerInfo;

// What the gateway itself counts (the transports count traffic and connections in their
// TransportStatsBoard); rendered together as Prometheus text.
class Metrics {
 public:
  static constexpr std::size_t error_kinds =
      static_cast<std::size_t>(message::ErrorKind::bad_field_type) + 1;
  static constexpr std::size_t transport_kinds = std::size(transports::all_transport_kinds);

  void count_decode_failure(transports::TransportKind transport, message::ErrorKind kind) noexcept;
  void count_reply(std::int64_t code) noexcept;
  void count_handler_exception() noexcept;
  // Copies of messages handed to recipients (pushed or queued).
  void count_deliveries(std::uint64_t copies) noexcept;
  // Queued messages dropped from full mailboxes.
  void count_mailbox_drops(std::uint64_t dropped) noexcept;
  std::uint64_t mailbox_drops() const noexcept;
  // UDP tokens not acted on: an answer nobody asked for.
  enum class UdpIgnored { unrequested_answer };
  void count_udp_ignored(UdpIgnored reason) noexcept;
  // Authentic tokens refused by the replay guard.
  enum class ReplayRefusal { replayed, before_window };
  void count_replay_refusal(transports::TransportKind transport, ReplayRefusal reason) noexcept;
  std::uint64_t replay_refusals(transports::TransportKind transport,
                                ReplayRefusal reason) const noexcept;
  // Messages refused by a rate limit, and connections closed for going on past it.
  enum class RateLimit { session, address, undecryptable, key_search };
  void count_rate_limited(transports::TransportKind transport, RateLimit limit) noexcept;
  void count_rate_limit_close(transports::TransportKind transport) noexcept;
  std::uint64_t deliveries() const noexcept;
  // Requests refused because their sender may not do that: by who sent them (a device's name,
  // or "(shared key)") and the permission missing ("publish", "admin", ...).
  void count_permission_refusal(std::string_view sender, std::string_view permission);
  std::uint64_t permission_refusals(std::string_view sender, std::string_view permission) const;

  std::uint64_t decode_failures(transports::TransportKind transport,
                                message::ErrorKind kind) const noexcept;

  // What was refused, all transports and kinds together: tokens acted on already (or dated
  // before the replay window), messages over a rate limit, tokens that were not ours or not
  // messages, and requests their sender may not make.
  struct Refusals {
    std::uint64_t replayed = 0;
    std::uint64_t rate_limited = 0;
    std::uint64_t bad_tokens = 0;
    std::uint64_t permission = 0;
  };
  Refusals refusals() const noexcept;

  std::string render(const ServerInfo& server, const transports::TransportStatsBoard& stats) const;

 private:
  using Counter = std::atomic<std::uint64_t>;
  static constexpr std::array<std::int64_t, 10> reply_codes{200, 400, 401, 403, 404,
                                                            409, 413, 429, 500, 503};

  std::array<std::array<Counter, error_kinds>, transport_kinds> decode_failures_{};
  std::array<Counter, reply_codes.size() + 1> replies_{};  // the last: any other code
  Counter handler_exceptions_{0};
  Counter deliveries_{0};
  Counter mailbox_drops_{0};
  std::array<Counter, 1> udp_ignored_{};
  std::array<std::array<Counter, 2>, transport_kinds> replay_refusals_{};
  std::array<std::array<Counter, 4>, transport_kinds> rate_limited_{};
  std::array<Counter, transport_kinds> rate_limit_closes_{};
  // Keyed by (sender, permission); bounded, the rest counted under "(others)".
  static constexpr std::size_t max_refusal_series = 10000;
  mutable std::mutex refusals_mutex_;
  std::map<std::pair<std::string, std::string>, std::uint64_t, std::less<>> permission_refusals_;
  Counter permission_refusals_total_{0};
};

}  // namespace gw::gateway
