#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "nats_connection.hpp"

namespace gw::cluster {

// This gateway's requests to the others that wait for answers, by sequence number (the last
// token of their reply subject). Each ends once: when its handler says it has what it needs,
// or at its deadline, never both; a request's handlers run one at a time, outside the table's
// lock. Thread-safe.
class PendingReplies {
 public:
  using Clock = std::chrono::steady_clock;
  // Given each answer; true when the request needs no more.
  using OnAnswer = std::function<bool(const NatsConnection::Incoming&)>;
  using OnDeadline = std::function<void()>;

  std::uint64_t add(Clock::duration timeout, OnAnswer on_answer, OnDeadline on_deadline);
  // An answer for `sequence` (ignored once the request has ended).
  void answer(std::uint64_t sequence, const NatsConnection::Incoming& incoming);
  // The request could not even be sent: it ends now, as at its deadline.
  void abandon(std::uint64_t sequence);
  // Ends the requests whose deadline has passed.
  void expire(Clock::time_point now);
  // Ends every request (the gateway leaves the cluster).
  void abandon_all();

 private:
  struct Request {
    Clock::time_point deadline;
    OnAnswer on_answer;
    OnDeadline on_deadline;
    std::mutex mutex;  // one handler at a time
    bool ended = false;
  };
  // Ends `request` by its deadline handler, unless it has ended already.
  static void end(Request& request);

  std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::shared_ptr<Request>> requests_;
  std::uint64_t next_ = 1;
};

}  // namespace gw::cluster
