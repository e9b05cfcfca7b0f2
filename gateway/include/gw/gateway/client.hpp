#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <gw/gateway/delivery.hpp>
#include <gw/gateway/identity.hpp>
#include <gw/gateway/mailbox.hpp>
#include <gw/gateway/store.hpp>
#include <gw/gateway/token_bucket.hpp>
#include <gw/transports/session.hpp>

namespace gw::gateway {

// A poll held open until a message arrives or its deadline passes.
struct PollWaiter {
  std::chrono::steady_clock::time_point deadline;
  std::size_t byte_budget = 0;
  bool keep = false;  // at least once: what it returns stays until acknowledged
  std::function<void(Mailbox::Drained)> complete;
};

// A client of the gateway, whatever its transport: a WebSocket or TCP connection, or an HTTP or
// UDP client known by its session token. Thread-safe. The hub keeps the indexes (names,
// tokens, topics) and calls the setters in step with them.
//
// A connection's client made resumable outlives its connection: while it is away, what is
// delivered to it waits in its mailbox, and a new connection that resumes it gets that first.
class Client {
 public:
  using Clock = std::chrono::steady_clock;

  // A connection (WebSocket, TCP); the client lives as long as the connection unless it is made
  // resumable. The hub gives the id, as it does a session's.
  Client(std::string id, const std::shared_ptr<transports::Session>& connection,
         std::unique_ptr<Mailbox> mailbox);
  // A client known by its session token (HTTP, UDP); it lives while it keeps sending within
  // the idle time.
  Client(std::string id, const std::shared_ptr<transports::Session>& first_request,
         std::string token, std::unique_ptr<Mailbox> mailbox);
  // A session the store kept from before a restart, last heard from at `last_seen`; its
  // deliveries wait (UDP: are dropped) until it is heard from again (a connection's: until it is
  // resumed).
  Client(const SavedSession& saved, std::unique_ptr<Mailbox> mailbox, Clock::time_point last_seen);

  const std::string& id() const noexcept { return id_; }
  const transports::SessionTraits& traits() const noexcept { return traits_; }
  transports::TransportKind kind() const noexcept { return traits_.kind; }
  // Empty for a connection.
  const std::string& token() const noexcept { return token_; }

  // A connection's client that outlives its connection, resumed with its resume token; its
  // mailbox is `mailbox`, the store's (the one it had while connected held nothing).
  void make_resumable(std::string resume_token, std::unique_ptr<Mailbox> mailbox);
  bool resumable() const;
  // No longer resumable: it ends with its connection. Returns the resume token it had.
  std::string end_resumable();
  // Empty unless resumable.
  std::string resume_token() const;
  // A resumable client whose connection has gone: its deliveries wait in its mailbox.
  bool away() const;
  // The connection `from` has gone; false when the client is no longer on it (resumed on
  // another meanwhile). Its idle time counts from `now`.
  bool detach(const transports::Session& from, Clock::time_point now);
  // The client goes on over `connection`, which is first sent what waited in the mailbox,
  // encoded by `encode` (null when it cannot be). Returns the connection it was on before, if
  // that is still open, how many were sent and how many were lost while it was away.
  struct Attached {
    std::shared_ptr<transports::Session> previous;
    std::size_t sent = 0;
    std::uint64_t lost = 0;
  };
  Attached attach(const std::shared_ptr<transports::Session>& connection,
                  const std::function<transports::Frame(const message::Message&)>& encode);
  // The id of the connection it is on (0: none).
  std::uint64_t connection_id() const;

  // Who it is: the identity its tokens are under, given by the hub when it first speaks (a
  // connection) or opens its session; null until then. What it is sent goes under that
  // identity's key: a device's own, or the shared key.
  std::shared_ptr<const Identity> identity() const;
  void set_identity(std::shared_ptr<const Identity> identity);
  // The device it is, or empty (the shared key, or not known yet).
  std::string device_name() const;

  std::string name() const;
  void set_name(std::string name);
  // Where the client is: a UDP client's follows its last request.
  std::string address() const;
  bool admin() const;
  void grant_admin();
  // Its latest round trip as the ping service measured it; nothing until one was.
  std::optional<std::chrono::microseconds> round_trip() const;
  void set_round_trip(std::chrono::microseconds round_trip);
  // Muted by an admin: its chat (chat, send, broadcast) is refused until unmuted.
  bool muted() const;
  // True the first time only: whether the name its messages' userID asks for is still to be
  // claimed. Once tried, granted or not, its next messages do not try again (a name that was
  // taken would otherwise cost every message a search through NAME-2 ... NAME-100).
  bool first_name_claim() noexcept { return !name_claimed_.exchange(true); }
  void set_muted(bool muted);
  std::set<std::string> subscriptions() const;
  bool subscribed(const std::string& filter) const;
  std::size_t subscription_count() const;
  bool add_subscription(const std::string& filter);
  bool remove_subscription(const std::string& filter);

  // What the client said in its handshake it answers: the commands `ask` may send it and the
  // requestables it keeps. Nothing said: anything may be asked.
  struct Offers {
    std::vector<std::string> commands;
    std::vector<std::string> requestables;
    // Whether it answers `cmd`: one of its commands, or `get` of `requestable`, one of its
    // requestables.
    bool answers(const std::string& cmd, std::string_view requestable = {}) const;
  };
  std::optional<Offers> offers() const;
  void set_offers(Offers offers);

  // {id, name, transport, address, since, subscriptions, permission}, device: true for a
  // device's session, away: true for a resumable client whose connection has gone, muted: true
  // when an admin muted it, offers: {commands, requestables} when it said what it answers, and
  // rtt_ms once the ping service measured its round trip.
  nlohmann::json info() const;
  // What a store keeps of a session.
  SavedSession saved() const;
  // A request came from this client. One whose deliveries follow its latest request (UDP) now
  // gets them where this one came from. Returns whether the store should be told of it again
  // (at most once every `save_every`), so that after a restart the session ends when it would
  // have.
  bool seen(Clock::time_point now, const std::shared_ptr<transports::Session>& request,
            Clock::duration save_every = Clock::duration::max());
  Clock::time_point last_seen() const;

  // Pushes the message (to the connection or the latest request's session) or queues it for
  // poll, completing a waiting poll, as the client's traits say.
  struct Delivered {
    bool stored = false;      // queued in the mailbox
    std::size_t dropped = 0;  // queued messages dropped to make room (or this one, too large)
  };
  Delivered deliver(const Delivery& delivery);
  // While a subscribe hands out what the client missed, deliveries wait (up to a bound), so
  // that what was missed comes first and live messages after it.
  void hold_deliveries();
  // Delivers `missed`, then what waited meanwhile, less the copies of messages in `missed`
  // (the same offset), and stops holding.
  void release_deliveries(const std::vector<Delivery>& missed);

  // What is waiting, at most `byte_budget` of it; or nothing, when nothing is waiting and
  // `waiter` is given, which is then called when a message comes or at its deadline. A second
  // waiting poll ends the first with nothing. With `acknowledged` (at least once), the messages
  // numbered up to it are forgotten first, and those returned stay until acknowledged;
  // without, those returned are forgotten.
  std::optional<Mailbox::Drained> poll(std::size_t byte_budget,
                                       std::optional<std::uint64_t> acknowledged,
                                       std::optional<PollWaiter> waiter);
  // The number of the newest message its mailbox was given (0: none yet).
  std::uint64_t last_seq() const;
  // Ends a waiting poll whose deadline has passed (any waiting poll if `all`).
  void end_poll(Clock::time_point now, bool all = false);

  // Ends the connection (the client is told with a close frame on WebSocket) and any poll.
  void close();

  // The client's rate limit: one token per message, false when it has none left. Each call is
  // a message from the client, counted (`messages_in` and the idle time in info()).
  bool take_message_token(const Rate& rate, Clock::time_point now);
  // Each refusal by a rate limit takes a token here too; a connection that spends these as
  // well has gone on at twice its limit or more, and is closed.
  bool take_refusal_token(const Rate& rate, Clock::time_point now);
  // Whether a refusal may be answered now: at most one every 100 ms.
  bool due_refusal_notice(Clock::time_point now);

 private:
  // What a waiting poll answers with (called under the lock).
  // Delivers as the traits say; may release `lock` (held on entry) to send.
  Delivered deliver_now(std::unique_lock<std::mutex>& lock, const Delivery& delivery);
  Mailbox::Drained take_for(const PollWaiter& waiter);
  // The identity when it is a device's (with a key of its own), else null; under the lock.
  std::shared_ptr<const Identity> device_identity() const;

  const std::string id_;
  const transports::SessionTraits traits_;
  const std::string token_;
  const std::chrono::system_clock::time_point since_ = std::chrono::system_clock::now();

  mutable std::mutex mutex_;
  std::optional<Offers> offers_;
  bool muted_ = false;
  std::optional<std::chrono::microseconds> round_trip_;
  std::atomic<bool> name_claimed_{false};
  std::uint64_t messages_in_ = 0;
  std::uint64_t messages_out_ = 0;  // delivered to it, pushed or kept
  Clock::time_point last_in_ = Clock::now();
  std::weak_ptr<transports::Session> connection_;
  std::uint64_t connection_id_ = 0;
  std::shared_ptr<const Identity> identity_;
  std::string device_name_;  // kept from the store until the identity is known again
  std::string resume_token_;
  std::string name_;
  std::string address_;
  bool admin_ = false;
  std::set<std::string> subscriptions_;
  Clock::time_point last_seen_ = Clock::now();
  Clock::time_point seen_saved_ = Clock::now();
  std::shared_ptr<transports::Session> latest_request_;
  std::unique_ptr<Mailbox> mailbox_;
  std::optional<PollWaiter> waiter_;
  unsigned holds_ = 0;          // subscribes handing out what was missed
  std::vector<Delivery> held_;  // what came meanwhile
  TokenBucket messages_{Clock::now()};
  TokenBucket refusals_{Clock::now()};
  Clock::time_point last_refusal_notice_{};
};

}  // namespace gw::gateway
