#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gw::cluster {

// The NATS subjects of one cluster, all under "gw.CLUSTER.". A gw topic's levels, and client
// names, become NATS tokens escaped so that nothing in them can be NATS syntax: bytes other
// than letters, digits, '-' and '_' are written %XX ('.', '*', '>', spaces and '%' among them)
// and an empty level is "%" alone, which no escaped text can be.
class Subjects {
 public:
  explicit Subjects(const std::string& cluster) : prefix_("gw." + cluster + ".") {}

  // A message for the client of this id or name (its gateway subscribes).
  std::string to_client(std::string_view id_or_name) const;
  // A publication on `topic` (a valid topic name).
  std::string topic(std::string_view topic) const;
  // What a gateway subscribes to for one topic filter: "a/+/c" -> topic.a.*.c; "a/#" -> both
  // topic.a and topic.a.> (MQTT's # matches its parent level too).
  std::vector<std::string> filter(std::string_view filter) const;
  // A message for every client of every gateway.
  std::string everyone() const { return prefix_ + "all"; }
  // Token stamps one gateway admitted, for the others' replay guards.
  std::string admitted() const { return prefix_ + "admitted"; }
  // Heartbeats: each gateway says it is alive and where it is.
  std::string heartbeats() const { return prefix_ + "nodes"; }
  // Asks every gateway for its clients.
  std::string clients() const { return prefix_ + "clients"; }
  // Answers to `node`'s requests: reply.NODE.SEQUENCE.
  std::string replies(std::string_view node) const;
  std::string reply(std::string_view node, std::uint64_t sequence) const;

  // The name a to_client subject was made of: its escaped last token, unescaped.
  static std::string client_of(std::string_view subject);
  // The topic a topic subject was made of; empty when `subject` is not one.
  std::string topic_of(std::string_view subject) const;
  static std::string escape(std::string_view text);
  static std::string unescape(std::string_view token);

 private:
  std::string prefix_;
};

}  // namespace gw::cluster
