// The hub keeps every client's mailbox in the gateway's store, so a durable store can take the
// place of the memory one without the hub or the commands changing.

#include <mutex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <gw/gateway/mailbox.hpp>

#include "gateway_fixture.hpp"

namespace {

using gw::gateway::Mailbox;
using gw::gateway::SessionLimits;
using gw::test::command;
using gw::test::RecordingSession;
using gw::transports::TransportKind;

// Writes down what is done to the mailboxes it opens (as a durable store would write it),
// keeping them in memory.
class JournalStore final : public gw::gateway::Store,
                           public gw::gateway::MailboxJournal,
                           public std::enable_shared_from_this<JournalStore> {
 public:
  std::unique_ptr<Mailbox> open_mailbox(const std::string& client_id,
                                        const SessionLimits& limits) override {
    write("open " + client_id + " holding " + std::to_string(limits.mailbox_messages));
    return std::make_unique<Mailbox>(limits, client_id, shared_from_this());
  }
  void save_session(const gw::gateway::SavedSession& session) override {
    write("save " + session.id + " as " + session.name);
  }
  std::string describe() const override { return "a journal"; }
  const std::string& epoch() const override { return epoch_; }
  void kept(const std::string& client_id, const Mailbox::Entry& entry) override {
    write("keep " + client_id + " " + std::to_string(entry.seq) + ": " + entry.message->text);
  }
  void forgotten_below(const std::string& client_id, std::uint64_t seq) override {
    write("forget " + client_id + " below " + std::to_string(seq));
  }
  void unreported_losses(const std::string& client_id, std::uint64_t lost) override {
    write("lost " + client_id + " " + std::to_string(lost));
  }
  std::vector<std::string> journal() const {
    std::lock_guard lock(mutex_);
    return journal_;
  }

 private:
  void write(std::string line) {
    std::lock_guard lock(mutex_);
    journal_.push_back(std::move(line));
  }
  mutable std::mutex mutex_;
  std::vector<std::string> journal_;
  const std::string epoch_ = "journal";
};

// The journal is a base so that it is built before the fixture's gateway, which holds it.
struct JournalHolder {
  std::shared_ptr<JournalStore> journal = std::make_shared<JournalStore>();
};
struct WithJournal : JournalHolder, gw::test::GatewayFixture {
  WithJournal() : GatewayFixture(journal) {}
};

}  // namespace

TEST_CASE_METHOD(WithJournal, "a client's mailbox is the store's, from its session to its poll",
                 "[store]") {
  auto http = std::make_shared<RecordingSession>(TransportKind::http);
  auto hello = command("handshake");
  hello.user_id = "printer";
  const auto handshake = request(http, hello);
  const std::string token = handshake.data.parse()["session"]["token"];
  const std::string id = handshake.data.parse()["session"]["id"];

  auto ws = connect(TransportKind::websocket);
  auto dm = command("send");
  dm.to = "printer";
  dm.text = "page 1";
  REQUIRE(request(ws, dm).code == 200);

  auto poll = command("poll");
  poll.token = token;
  const auto polled = request(http, poll);
  REQUIRE(polled.data.parse()["messages"].size() == 1);
  CHECK(polled.data.parse()["messages"][0]["text"] == "page 1");

  // The fixture's mailboxes hold 4. A WebSocket client's messages are pushed to it: the store
  // keeps nothing of it.
  CHECK(journal->journal() ==
        std::vector<std::string>{"open " + id + " holding 4", "save " + id + " as " + id,
                                 "save " + id + " as printer", "keep " + id + " 1: page 1",
                                 "forget " + id + " below 2"});
}
