#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include <gw/gateway/mailbox.hpp>
#include <gw/message/codec.hpp>

#include "jetstream_writer.hpp"
#include "nats_connection.hpp"

namespace gw::cluster {

// Mailboxes kept in a JetStream stream, so that an HTTP or UDP client whose gateway died finds
// what waited for it on another: each message a mailbox keeps is published to the subject of
// its client (sealed under the shared key), and what its client acknowledged is purged. The
// journal of every mailbox of a gateway in a cluster; writes go through the writer's thread.
class MailboxStream final : public gateway::MailboxJournal {
 public:
  using CodecOf = std::function<std::shared_ptr<const message::Codec>()>;
  MailboxStream(NatsConnection& nats, JetStreamWriter& writer, std::string stream,
                std::string subject_prefix, int replicas, CodecOf codec);

  void kept(const std::string& client_id, const gateway::Mailbox::Entry& entry) override;
  void forgotten_below(const std::string& client_id, std::uint64_t seq) override;
  // Losses are not carried to another gateway: its client hears only of those it has there.
  void unreported_losses(const std::string&, std::uint64_t) override {}

  // What the stream holds for `client_id`, read now (waits for JetStream).
  gateway::Mailbox::Restored restore(const std::string& client_id);
  // The client's session ended: its messages go.
  void forget(const std::string& client_id);

 private:
  // Makes the stream (or finds it) on first use; false while JetStream cannot be reached.
  bool ready();
  std::string subject_of(const std::string& client_id) const;

  NatsConnection& nats_;
  JetStreamWriter& writer_;
  const std::string stream_;
  const std::string subject_prefix_;
  const int replicas_;
  const CodecOf codec_;
  std::mutex mutex_;
  bool ready_ = false;
  // Each client's kept messages: (mailbox seq, stream seq), oldest first.
  std::unordered_map<std::string, std::deque<std::pair<std::uint64_t, std::uint64_t>>> kept_;
};

}  // namespace gw::cluster
