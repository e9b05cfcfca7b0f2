#include "cluster_router.hpp"

#include <charconv>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <gw/gateway/client_id.hpp>
#include <gw/gateway/delivery.hpp>
#include <gw/gateway/gateway.hpp>
#include <gw/gateway/hub.hpp>
#include <gw/gateway/topic.hpp>

namespace gw::cluster {

namespace {

using gateway::Delivery;

// How long a gateway is given to answer for a client of its own.
constexpr auto answer_timeout = std::chrono::seconds(2);
// The Gw-Kind of a publication its sender retained (NATS carries the live copy).
constexpr const char* retained_kind = "retained";

nlohmann::json recipient_json(const gateway::Router::Recipient& recipient) {
  return {{"id", recipient.id},
          {"name", recipient.name},
          {"stored", recipient.stored},
          {"sessions", recipient.sessions}};
}

std::optional<gateway::Router::Recipient> recipient_of(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object() || !json.contains("id")) return std::nullopt;
  gateway::Router::Recipient recipient;
  recipient.id = json.value("id", "");
  recipient.name = json.value("name", "");
  recipient.stored = json.value("stored", false);
  recipient.sessions = json.value("sessions", std::size_t{1});
  return recipient;
}

// True when the gateway of an id says the client left (for_client).
bool says_gone(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  return json.is_object() && json.contains("gone");
}

// Why the gateway of the recipient could not keep the message, when it says so.
std::string stored_refusal(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object() || !json.contains("error")) return {};
  return "the recipient's gateway could not store the message: " + json.value("error", "");
}

}  // namespace

ClusterRouter::ClusterRouter(Parts parts) : parts_(std::move(parts)) {}

std::optional<gateway::Router::Recipient> ClusterRouter::to_client(std::string_view id_or_name,
                                                                   const Delivery& delivery) {
  return parts_.local->to_client(id_or_name, delivery);
}

std::string ClusterRouter::publish(const std::string& subject, const Delivery& delivery) {
  if (!parts_.nats.connected()) {
    parts_.counters.unavailable.fetch_add(1, std::memory_order_relaxed);
    return parts_.nats.problem();
  }
  // A publication its sender retained says so: the gateways it reaches hand the clients that
  // get it as published (a bridge to MQTT) a retained copy, as the sender's gateway does.
  const bool sent = delivery.as_published()
                        ? parts_.nats.publish(subject, *delivery.frame(), {}, retained_kind)
                        : parts_.nats.publish(subject, *delivery.frame());
  if (!sent) {
    parts_.counters.unavailable.fetch_add(1, std::memory_order_relaxed);
    return "NATS refused the message";
  }
  parts_.counters.sent.fetch_add(1, std::memory_order_relaxed);
  return {};
}

void ClusterRouter::to_client_anywhere(std::string_view id_or_name, const Delivery& delivery,
                                       std::function<void(Found)> done) {
  if (auto here = parts_.local->to_client(id_or_name, delivery)) return done(Found{here, {}});
  if (!parts_.nats.connected()) {
    parts_.counters.unavailable.fetch_add(1, std::memory_order_relaxed);
    return done(Found{std::nullopt, parts_.nats.problem()});
  }
  auto shared_done = std::make_shared<std::function<void(Found)>>(std::move(done));
  const auto sequence = parts_.pending.add(
      answer_timeout,
      [shared_done](const NatsConnection::Incoming& answer) {
        // Nobody subscribed to the name, or its gateway says it is gone: no such client.
        if (answer.no_responders || says_gone(answer.data)) return (*shared_done)(Found{}), true;
        if (const auto refused = stored_refusal(answer.data); !refused.empty())
          return (*shared_done)(Found{std::nullopt, refused}), true;
        auto recipient = recipient_of(answer.data);
        if (!recipient) return false;  // it left meanwhile: another may still answer
        (*shared_done)(Found{std::move(recipient), {}});
        return true;
      },
      [shared_done, this] {
        parts_.counters.unavailable.fetch_add(1, std::memory_order_relaxed);
        (*shared_done)(Found{std::nullopt, "no gateway answered for it within 2 s"});
      });
  const auto reply = parts_.subjects.reply(parts_.node, sequence);
  if (!parts_.nats.publish(parts_.subjects.to_client(id_or_name), *delivery.frame(), reply))
    return parts_.pending.abandon(sequence);
  parts_.counters.sent.fetch_add(1, std::memory_order_relaxed);
}

gateway::Router::Reached ClusterRouter::to_topic(std::string_view topic, const Delivery& delivery) {
  auto reached = parts_.local->to_topic(topic, delivery);
  reached.unreachable = publish(parts_.subjects.topic(topic), delivery);
  return reached;
}

gateway::Router::Reached ClusterRouter::to_everyone(const Delivery& delivery) {
  auto reached = parts_.local->to_everyone(delivery);
  reached.unreachable = publish(parts_.subjects.everyone(), delivery);
  if (reached.unreachable.empty()) reached.gateways = parts_.presence.others_alive();
  return reached;
}

std::optional<Delivery> ClusterRouter::open(std::string_view token) {
  auto& gateway = parts_.gateway;
  const auto codec = gateway.codec().current();
  auto decoded = codec->decode_stamped(token, message::unix_now());
  // Each token from NATS is delivered once: a copy replayed on NATS is not.
  if (!decoded || !gateway.admit_stamp(decoded->stamp)) {
    parts_.counters.refused.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  parts_.counters.received.fetch_add(1, std::memory_order_relaxed);
  return Delivery(std::make_shared<const std::string>(token),
                  std::make_shared<const message::Message>(std::move(decoded->message)));
}

NatsConnection::Handler ClusterRouter::for_client() {
  return [this](const NatsConnection::Incoming& incoming) {
    if (!incoming.kind.empty()) return parts_.remote_commands.answer(incoming);  // ask, kick
    auto delivery = open(incoming.data);
    if (!delivery) return;
    const auto target = Subjects::client_of(incoming.subject);
    auto& store = parts_.gateway.hub().store();
    const auto since = store.write_position();  // before the mailbox writes
    const auto recipient = parts_.local->to_client(target, *delivery);
    if (incoming.reply.empty()) return;
    if (!recipient) {
      // An id of this gateway's is gone for good (RemoteCommands::answer): said at once. A
      // name may have moved: another gateway may answer.
      if (gateway::is_client_id_of(target, parts_.node))
        parts_.nats.publish(std::string(incoming.reply), nlohmann::json{{"gone", target}}.dump());
      return;
    }
    // Answered once what a mailbox kept is stored: the sender is told "kept" only then.
    store.when_committed(since, [this, reply = std::string(incoming.reply),
                                 answer = recipient_json(*recipient)](bool stored) mutable {
      if (!stored) answer = {{"error", "storage full"}};
      parts_.nats.publish(reply, answer.dump());
    });
  };
}

NatsConnection::Handler ClusterRouter::for_filter(const std::string& filter) {
  return [this, filter](const NatsConnection::Incoming& incoming) {
    const auto topic = parts_.subjects.topic_of(incoming.subject);
    // A publication matching several filters held here arrives once per filter: only the
    // first of them delivers it (decided before the token is admitted, which is once).
    if (parts_.filters.first_where([&](const std::string& held) {
          return gateway::topic::matches(held, topic);
        }) != filter)
      return;
    auto delivery = open(incoming.data);
    if (!delivery) return;
    if (delivery->message()->topic != topic) {  // sent on another topic's subject
      parts_.counters.refused.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (incoming.kind == retained_kind)
      gateway::add_retained_copy(*delivery, *parts_.gateway.codec().current());
    parts_.local->to_topic(topic, *delivery);
  };
}

NatsConnection::Handler ClusterRouter::for_everyone() {
  return [this](const NatsConnection::Incoming& incoming) {
    if (auto delivery = open(incoming.data)) parts_.local->to_everyone(*delivery);
  };
}

}  // namespace gw::cluster
