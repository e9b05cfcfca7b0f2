#include "cluster_store.hpp"

namespace gw::cluster {

namespace {
constexpr std::size_t positions_kept = 16384;
}  // namespace

ClusterStore::ClusterStore(std::shared_ptr<gateway::Store> local,
                           std::shared_ptr<SessionBucket> sessions,
                           std::shared_ptr<MailboxStream> mailboxes,
                           std::shared_ptr<JetStreamWriter> writer, std::function<bool()> durable,
                           std::string describe)
    : local_(std::move(local)),
      sessions_(std::move(sessions)),
      mailboxes_(std::move(mailboxes)),
      writer_(std::move(writer)),
      durable_(std::move(durable)),
      describe_(std::move(describe) +
                "; retained messages and topic history: " + local_->describe()) {}

SessionBucket::TakeOver ClusterStore::take_over(
    const std::string& token, const std::function<bool(const std::string&)>& alive) {
  auto taken = sessions_->take_over(token, alive);
  if (taken.session) {
    std::lock_guard lock(mutex_);
    to_restore_.insert(taken.session->id);
  }
  return taken;
}

std::unique_ptr<gateway::Mailbox> ClusterStore::open_mailbox(const std::string& client_id,
                                                             const gateway::SessionLimits& limits) {
  bool restore = false;
  {
    std::lock_guard lock(mutex_);
    restore = to_restore_.erase(client_id) > 0;
  }
  // A new session's mailbox is empty: JetStream is read only for one that existed before.
  auto restored = restore ? mailboxes_->restore(client_id) : gateway::Mailbox::Restored{};
  return std::make_unique<gateway::Mailbox>(limits, client_id, mailboxes_, std::move(restored));
}

std::vector<gateway::SavedSession> ClusterStore::saved_sessions() {
  auto sessions = sessions_->of_this_gateway();
  std::lock_guard lock(mutex_);
  for (const auto& session : sessions)
    to_restore_.insert(session.id);
  return sessions;
}

void ClusterStore::save_session(const gateway::SavedSession& session) {
  sessions_->save(session);
}

void ClusterStore::forget_session(const std::string& id) {
  sessions_->forget(id);
  mailboxes_->forget(id);
}

std::vector<std::pair<std::string, message::Message>> ClusterStore::retained_messages() {
  return local_->retained_messages();
}

void ClusterStore::keep_retained(const std::string& topic, const message::Message& message) {
  local_->keep_retained(topic, message);
}

void ClusterStore::forget_retained(const std::string& topic) {
  local_->forget_retained(topic);
}

const std::string& ClusterStore::epoch() const {
  return local_->epoch();
}

std::vector<gateway::HistoryEntry> ClusterStore::history_entries() {
  return local_->history_entries();
}

std::vector<gateway::HistoryTrim> ClusterStore::history_trims() {
  return local_->history_trims();
}

void ClusterStore::keep_history(const gateway::HistoryEntry& entry) {
  local_->keep_history(entry);
}

void ClusterStore::trim_history(const gateway::HistoryTrim& trim) {
  local_->trim_history(trim);
}

std::uint64_t ClusterStore::write_position() {
  const auto both = std::pair{writer_->position(), local_->write_position()};
  std::lock_guard lock(mutex_);
  const auto position = next_position_++;
  positions_.emplace(position, both);
  if (positions_.size() > positions_kept) positions_.erase(positions_.begin());
  return position;
}

void ClusterStore::when_committed(std::uint64_t since, std::function<void(bool)> done) {
  std::pair<std::uint64_t, std::uint64_t> both{0, 0};  // forgotten: everything since the start
  {
    std::lock_guard lock(mutex_);
    if (const auto found = positions_.find(since); found != positions_.end()) both = found->second;
  }
  auto with_local = [local = local_, local_since = both.second,
                     done = std::move(done)](bool written) mutable {
    local->when_committed(
        local_since, [written, done = std::move(done)](bool stored) { done(written && stored); });
  };
  // NATS away: local traffic goes on, kept in memory until NATS is back (the reply says so).
  if (!durable_()) return with_local(true);
  writer_->when_done(both.first, std::move(with_local));
}

void ClusterStore::back_up(const std::string& name,
                           std::function<void(gateway::BackupResult)> done) {
  local_->back_up(name, std::move(done));
}

}  // namespace gw::cluster
