#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "nats_connection.hpp"

namespace gw::cluster {

// What this gateway's clients need from the others, as NATS subscriptions: one per key (a name
// a client goes by, or a topic filter), held while any client needs it. The hub reports changes
// under its locks, so they are only counted there; `apply`, on the cluster's thread, subscribes
// and unsubscribes. Thread-safe.
class Interest {
 public:
  // The subjects one key needs, each subscribed with `handler(key)`.
  using Subjects = std::function<std::vector<std::string>(const std::string& key)>;
  using Handler = std::function<NatsConnection::Handler(const std::string& key)>;
  // How a key nobody needs any more is let go: at once, or drained, so that the handler still
  // answers what was sent to it before the server heard (see NatsConnection::drain).
  enum class Release { unsubscribe, drain };
  Interest(Subjects subjects, Handler handler, Release release = Release::unsubscribe)
      : subjects_(std::move(subjects)), handler_(std::move(handler)), release_(release) {}

  // True when the subscriptions must change (apply).
  bool add(const std::string& key);
  bool remove(const std::string& key);
  // Brings the subscriptions in line with the counts; true when it changed any.
  bool apply(NatsConnection& nats);
  // The first key, in order, for which `wanted` holds (the keys held now).
  std::string first_where(const std::function<bool(const std::string&)>& wanted) const;
  std::size_t size() const;

 private:
  struct Entry {
    std::size_t count = 0;
    std::vector<NatsConnection::SubscriptionId> subscriptions;
    bool queued = false;  // in changed_
  };
  const Subjects subjects_;
  const Handler handler_;
  const Release release_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  std::vector<std::string> changed_;
};

}  // namespace gw::cluster
