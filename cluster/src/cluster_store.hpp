#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <gw/gateway/store.hpp>

#include "jetstream_writer.hpp"
#include "mailbox_stream.hpp"
#include "session_bucket.hpp"

namespace gw::cluster {

// The store of a gateway in a cluster: sessions and mailboxes in JetStream, where every gateway
// of the cluster finds them (a client whose gateway died goes on at another with its token and
// its mailbox); retained messages and topic history in this gateway's own store, as before. A
// message kept for a client's poll is acknowledged once JetStream has it; while NATS is away it
// is kept in this gateway's memory, acknowledged at once (`durable` says which), and written
// when NATS is back.
class ClusterStore final : public gateway::Store {
 public:
  ClusterStore(std::shared_ptr<gateway::Store> local, std::shared_ptr<SessionBucket> sessions,
               std::shared_ptr<MailboxStream> mailboxes, std::shared_ptr<JetStreamWriter> writer,
               std::function<bool()> durable, std::string describe);

  // The session of `token` whose gateway is gone, now this gateway's; its mailbox is read when
  // opened. Waits for JetStream.
  SessionBucket::TakeOver take_over(const std::string& token,
                                    const std::function<bool(const std::string&)>& alive);

  std::unique_ptr<gateway::Mailbox> open_mailbox(const std::string& client_id,
                                                 const gateway::SessionLimits& limits) override;
  std::vector<gateway::SavedSession> saved_sessions() override;
  void save_session(const gateway::SavedSession& session) override;
  void forget_session(const std::string& id) override;

  std::vector<std::pair<std::string, message::Message>> retained_messages() override;
  void keep_retained(const std::string& topic, const message::Message& message) override;
  void forget_retained(const std::string& topic) override;
  const std::string& epoch() const override;
  std::vector<gateway::HistoryEntry> history_entries() override;
  std::vector<gateway::HistoryTrim> history_trims() override;
  void keep_history(const gateway::HistoryEntry& entry) override;
  void trim_history(const gateway::HistoryTrim& trim) override;

  std::uint64_t write_position() override;
  void when_committed(std::uint64_t since, std::function<void(bool stored)> done) override;
  void back_up(const std::string& name, std::function<void(gateway::BackupResult)> done) override;
  std::string describe() const override { return describe_; }

 private:
  const std::shared_ptr<gateway::Store> local_;
  const std::shared_ptr<SessionBucket> sessions_;
  const std::shared_ptr<MailboxStream> mailboxes_;
  const std::shared_ptr<JetStreamWriter> writer_;
  const std::function<bool()> durable_;  // JetStream can be written now
  const std::string describe_;
  std::mutex mutex_;
  std::set<std::string> to_restore_;  // ids whose mailbox JetStream holds
  // A write position is one number for two stores: the writer's and the local store's
  // positions at the time, by number (the latest few thousand).
  std::map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> positions_;
  std::uint64_t next_position_ = 1;
};

}  // namespace gw::cluster
