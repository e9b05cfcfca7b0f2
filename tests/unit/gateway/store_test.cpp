// The hub keeps every client's mailbox in the gateway's store, so a durable store can take the
// place of the memory one without the hub or the commands changing.

#include <mutex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <gw/gateway/memory_mailbox.hpp>

#include "gateway_fixture.hpp"

namespace {

using gw::gateway::Delivery;
using gw::gateway::Mailbox;
using gw::gateway::SessionLimits;
using gw::test::command;
using gw::test::RecordingSession;
using gw::transports::TransportKind;

// Writes down what is done to the mailboxes it opens (as a durable store would write it),
// keeping them in memory.
class JournalStore final : public gw::gateway::Store {
 public:
  std::unique_ptr<Mailbox> open_mailbox(const std::string& client_id,
                                        const SessionLimits& limits) override {
    write("open " + client_id + " holding " + std::to_string(limits.mailbox_messages));
    return std::make_unique<JournalMailbox>(*this, client_id, limits);
  }
  std::vector<std::string> journal() const {
    std::lock_guard lock(mutex_);
    return journal_;
  }

 private:
  class JournalMailbox final : public Mailbox {
   public:
    JournalMailbox(JournalStore& store, std::string id, const SessionLimits& limits)
        : store_(store),
          id_(std::move(id)),
          kept_(limits.mailbox_messages, limits.mailbox_bytes, limits.poll_reply_bytes) {}
    std::size_t push(Delivery delivery) override {
      store_.write("push " + id_ + ": " + delivery.message->text);
      return kept_.push(std::move(delivery));
    }
    Drained drain(std::size_t byte_budget) override {
      auto drained = kept_.drain(byte_budget);
      store_.write("drain " + id_ + ": " + std::to_string(drained.deliveries.size()));
      return drained;
    }
    bool empty() const noexcept override { return kept_.empty(); }
    std::size_t size() const noexcept override { return kept_.size(); }
    std::size_t bytes() const noexcept override { return kept_.bytes(); }

   private:
    JournalStore& store_;
    const std::string id_;
    gw::gateway::MemoryMailbox kept_;
  };

  void write(std::string line) {
    std::lock_guard lock(mutex_);
    journal_.push_back(std::move(line));
  }
  mutable std::mutex mutex_;
  std::vector<std::string> journal_;
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
  const std::string token = handshake.data["session"]["token"];
  const std::string id = handshake.data["session"]["id"];

  auto ws = connect(TransportKind::websocket);
  auto dm = command("send");
  dm.to = "printer";
  dm.text = "page 1";
  REQUIRE(request(ws, dm).code == 200);

  auto poll = command("poll");
  poll.token = token;
  const auto polled = request(http, poll);
  REQUIRE(polled.data["messages"].size() == 1);
  CHECK(polled.data["messages"][0]["text"] == "page 1");

  const auto ws_id = "c" + std::to_string(ws->id());
  // The fixture's mailboxes hold 4; the WebSocket client has one too (it may poll), unused.
  CHECK(journal->journal() ==
        std::vector<std::string>{"open " + id + " holding 4", "open " + ws_id + " holding 4",
                                 "push " + id + ": page 1", "drain " + id + ": 1"});
}
