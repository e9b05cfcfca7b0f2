#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <gw/message/message.hpp>

namespace gw::gateway {

// Requests the gateway sent to clients, each waiting for the reply that carries its id (the
// server-to-client request). A request unanswered by its deadline, or whose client is gone,
// ends with no reply. Thread-safe; callbacks run outside the lock.
class OutgoingRequests {
 public:
  using Clock = std::chrono::steady_clock;
  // The client's reply, or nothing when it did not answer in time.
  using Callback = std::function<void(std::optional<message::Message> reply)>;

  // Registers a request to `client_id` and returns the id to send it with.
  std::string add(std::string client_id, Clock::time_point deadline, Callback callback);
  // Whether `message` from `client_id` answers one of its pending requests (then consumed).
  bool take_reply(const std::string& client_id, const message::Message& message);
  // Forgets a request without calling its callback (it could not be sent).
  void withdraw(const std::string& id);
  // Ends the requests past their deadline.
  void tick(Clock::time_point now);
  // Ends, at once, the requests to a client that left: none of them can be answered.
  void end_for(const std::string& client_id);
  // Ends every request (the gateway is stopping).
  void cancel_all();
  std::size_t pending() const;

  static constexpr std::string_view id_prefix = "gw-";

 private:
  struct Pending {
    std::string client_id;
    Clock::time_point deadline;
    Callback callback;
  };
  // Ends the requests `ends` picks: each callback is called with nothing, outside the lock.
  void end_where(const std::function<bool(const Pending&)>& ends);

  mutable std::mutex mutex_;
  std::uint64_t next_ = 1;
  std::unordered_map<std::string, Pending> pending_;
};

}  // namespace gw::gateway
