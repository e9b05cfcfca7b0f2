#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <gw/gateway/mailbox.hpp>

namespace {

using gw::gateway::Mailbox;

gw::gateway::Delivery delivery(std::string text, std::size_t frame_size = 10) {
  auto message = std::make_shared<gw::message::Message>();
  message->text = std::move(text);
  return {std::make_shared<const std::string>(frame_size, 'x'), std::move(message)};
}

Mailbox mailbox(std::size_t messages, std::size_t bytes, std::size_t per_message,
                std::shared_ptr<gw::gateway::MailboxJournal> journal = nullptr,
                std::vector<Mailbox::Entry> kept = {}, std::uint64_t next_seq = 1) {
  gw::gateway::SessionLimits limits;
  limits.mailbox_messages = messages;
  limits.mailbox_bytes = bytes;
  limits.poll_reply_bytes = per_message;
  return Mailbox(limits, "c1", std::move(journal), {std::move(kept), next_seq});
}

std::vector<std::string> texts(const Mailbox::Drained& drained) {
  std::vector<std::string> out;
  for (const auto& entry : drained.entries)
    out.push_back(entry.message->text);
  return out;
}

std::vector<std::uint64_t> seqs(const Mailbox::Drained& drained) {
  std::vector<std::uint64_t> out;
  for (const auto& entry : drained.entries)
    out.push_back(entry.seq);
  return out;
}

// Writes down what a durable store would be told.
struct RecordingJournal final : gw::gateway::MailboxJournal {
  std::vector<std::string> lines;
  void kept(const std::string& client, const Mailbox::Entry& entry) override {
    lines.push_back("keep " + client + " " + std::to_string(entry.seq) + " " + entry.message->text);
  }
  void forgotten_below(const std::string& client, std::uint64_t seq) override {
    lines.push_back("forget " + client + " below " + std::to_string(seq));
  }
  void unreported_losses(const std::string& client, std::uint64_t lost) override {
    lines.push_back("lost " + client + " " + std::to_string(lost));
  }
};

}  // namespace

TEST_CASE("a full mailbox drops the oldest and the next take says how many", "[mailbox]") {
  auto box = mailbox(3, 1000, 500);
  CHECK(box.push(delivery("1")).dropped == 0);
  CHECK(box.push(delivery("2")).dropped == 0);
  CHECK(box.push(delivery("3")).dropped == 0);
  CHECK(box.push(delivery("4")).dropped == 1);
  CHECK(box.push(delivery("5")).dropped == 1);
  CHECK(box.size() == 3);
  const auto drained = box.take(1000);
  CHECK(texts(drained) == std::vector<std::string>{"3", "4", "5"});
  CHECK(seqs(drained) == std::vector<std::uint64_t>{3, 4, 5});
  CHECK(drained.lost == 2);
  CHECK(drained.left == 0);
  CHECK(box.empty());
  CHECK(box.bytes() == 0);
  CHECK(box.take(1000).lost == 0);  // reported once
}

TEST_CASE("the byte bound drops as many old messages as it takes", "[mailbox]") {
  auto box = mailbox(100, 100, 100);
  box.push(delivery("a", 40));
  box.push(delivery("b", 40));
  CHECK(box.push(delivery("c", 90)).dropped == 2);
  CHECK(box.bytes() == 90);
  const auto too_big = box.push(delivery("too big", 101));  // the new one itself
  CHECK(too_big.dropped == 1);
  CHECK_FALSE(too_big.kept);
  const auto drained = box.take(1000);
  CHECK(texts(drained) == std::vector<std::string>{"c"});
  CHECK(drained.lost == 3);
}

TEST_CASE("a take returns what fits in its budget, at least one", "[mailbox]") {
  auto box = mailbox(100, 10000, 300);
  for (const auto* text : {"a", "b", "c", "d"})
    box.push(delivery(text, 100));
  auto first = box.take(250);
  CHECK(texts(first) == std::vector<std::string>{"a", "b"});
  CHECK(first.left == 2);
  box.push(delivery("e", 300));
  CHECK(texts(box.take(250)) == std::vector<std::string>{"c", "d"});
  CHECK(texts(box.take(250)) == std::vector<std::string>{"e"});  // larger than the budget
}

TEST_CASE("a peek keeps its messages until they are acknowledged", "[mailbox]") {
  auto box = mailbox(100, 10000, 300);
  for (const auto* text : {"a", "b", "c"})
    box.push(delivery(text));
  const auto first = box.peek(0, 1000);
  CHECK(seqs(first) == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(first.left == 0);
  // The reply was lost: the same messages again.
  CHECK(seqs(box.peek(0, 1000)) == std::vector<std::uint64_t>{1, 2, 3});
  box.push(delivery("d"));
  CHECK(seqs(box.peek(2, 1000)) == std::vector<std::uint64_t>{3, 4});
  CHECK(box.acknowledge(4) == 2);
  CHECK(box.empty());
  CHECK(box.acknowledge(4) == 0);  // again: nothing more
  CHECK(box.push(delivery("e")).kept);
  CHECK(seqs(box.peek(4, 1000)) == std::vector<std::uint64_t>{5});  // numbering goes on
}

TEST_CASE("a journal hears of every message kept, forgotten and lost", "[mailbox]") {
  auto journal = std::make_shared<RecordingJournal>();
  auto box = mailbox(2, 10000, 300, journal);
  box.push(delivery("a"));
  box.push(delivery("b"));
  box.push(delivery("c"));  // pushes a out: one lost, not yet reported
  box.peek(2, 1000);        // acknowledges b, and reports the loss
  box.take(1000);           // takes c
  CHECK(journal->lines == std::vector<std::string>{"keep c1 1 a", "keep c1 2 b",
                                                   "forget c1 below 2", "lost c1 1", "keep c1 3 c",
                                                   "forget c1 below 3", "lost c1 0",
                                                   "forget c1 below 4"});
}

TEST_CASE("a mailbox opened with an unreported loss reports it to the next poll", "[mailbox]") {
  gw::gateway::SessionLimits limits;
  Mailbox box(limits, "c1", nullptr, {.kept = {}, .next_seq = 5, .lost = 3});
  CHECK(box.take(1000).lost == 3);
  CHECK(box.take(1000).lost == 0);
}

TEST_CASE("a mailbox opened with what a store kept goes on from it", "[mailbox]") {
  auto message = std::make_shared<gw::message::Message>();
  message->text = "kept";
  auto box = mailbox(10, 10000, 300, nullptr, {{7, message, 10}, {9, message, 10}}, 12);
  CHECK(box.size() == 2);
  CHECK(box.bytes() == 20);
  box.push(delivery("new"));
  CHECK(seqs(box.take(1000)) == std::vector<std::uint64_t>{7, 9, 12});
  // Bounds that shrank since: the oldest go, and the next poll hears of it.
  auto smaller = mailbox(1, 10000, 300, nullptr, {{1, message, 10}, {2, message, 10}});
  const auto drained = smaller.take(1000);
  CHECK(seqs(drained) == std::vector<std::uint64_t>{2});
  CHECK(drained.lost == 1);
}
