#pragma once

#include <chrono>
#include <cstddef>

namespace gw::gateway {

// Bounds on what the gateway keeps for its clients. The defaults are written here once; the
// configuration file carries each of them.
struct SessionLimits {
  std::size_t mailbox_messages = 256;        // waiting for one HTTP client's poll
  std::size_t mailbox_bytes = 1024 * 1024;   // the same, in bytes of tokens
  std::chrono::seconds session_idle{300};    // an HTTP or UDP session unheard of this long ends
  std::chrono::seconds poll_wait_max{60};    // the longest a poll may be held open
  std::size_t max_sessions = 10000;          // HTTP and UDP sessions held at once
  std::size_t max_subscriptions = 256;       // topic filters per session
  std::size_t max_retained = 10000;          // topics with a retained message
  std::size_t max_history_topics = 10000;    // topics keeping history ([[history]])
  std::chrono::seconds request_timeout{10};  // for a client to answer the gateway's request
  // The ping service: how often each client whose handshake offers `ping` is pinged, for its
  // round trip (rtt_ms in `clients`); 0: never.
  std::chrono::seconds ping_every{30};
  // Tokens one poll reply carries, so that it stays under the token size limit (half of it);
  // a message larger than this is counted lost rather than queued.
  std::size_t poll_reply_bytes = 32 * 1024;
};

}  // namespace gw::gateway
