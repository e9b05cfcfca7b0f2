#include <catch2/catch.hpp>

#include <gw/gateway/memory_mailbox.hpp>

namespace {

gw::gateway::Delivery delivery(std::string text, std::size_t frame_size = 10) {
  auto message = std::make_shared<gw::message::Message>();
  message->text = std::move(text);
  return {std::make_shared<const std::string>(frame_size, 'x'), std::move(message)};
}

std::vector<std::string> texts(const gw::gateway::Mailbox::Drained& drained) {
  std::vector<std::string> out;
  for (const auto& d : drained.deliveries)
    out.push_back(d.message->text);
  return out;
}

}  // namespace

TEST_CASE("a full mailbox drops the oldest and the next drain says how many", "[mailbox]") {
  gw::gateway::MemoryMailbox box(3, 1000, 500);
  CHECK(box.push(delivery("1")) == 0);
  CHECK(box.push(delivery("2")) == 0);
  CHECK(box.push(delivery("3")) == 0);
  CHECK(box.push(delivery("4")) == 1);
  CHECK(box.push(delivery("5")) == 1);
  CHECK(box.size() == 3);
  const auto drained = box.drain(1000);
  CHECK(texts(drained) == std::vector<std::string>{"3", "4", "5"});
  CHECK(drained.lost == 2);
  CHECK(drained.left == 0);
  CHECK(box.empty());
  CHECK(box.bytes() == 0);
  CHECK(box.drain(1000).lost == 0);  // reported once
}

TEST_CASE("the byte bound drops as many old messages as it takes", "[mailbox]") {
  gw::gateway::MemoryMailbox box(100, 100, 100);
  box.push(delivery("a", 40));
  box.push(delivery("b", 40));
  CHECK(box.push(delivery("c", 90)) == 2);
  CHECK(box.bytes() == 90);
  CHECK(box.push(delivery("too big", 101)) == 1);  // the new one itself
  const auto drained = box.drain(1000);
  CHECK(texts(drained) == std::vector<std::string>{"c"});
  CHECK(drained.lost == 3);
}

TEST_CASE("a drain takes what fits in its budget, at least one", "[mailbox]") {
  gw::gateway::MemoryMailbox box(100, 10000, 300);
  for (const auto* text : {"a", "b", "c", "d"})
    box.push(delivery(text, 100));
  auto first = box.drain(250);
  CHECK(texts(first) == std::vector<std::string>{"a", "b"});
  CHECK(first.left == 2);
  box.push(delivery("e", 300));
  CHECK(texts(box.drain(250)) == std::vector<std::string>{"c", "d"});
  CHECK(texts(box.drain(250)) == std::vector<std::string>{"e"});  // larger than the budget
}
