#include "remote_commands.hpp"

#include <spdlog/spdlog.h>

#include <gw/gateway/builtin_commands.hpp>
#include <gw/gateway/client_id.hpp>
#include <gw/gateway/gateway.hpp>

#include "sealed.hpp"

namespace gw::cluster {

namespace {

using gateway::ClusterLink;

constexpr const char* ask_kind = "ask";
constexpr const char* kick_kind = "kick";
// How long the gateway of a client is given to kick it, or to pass on an ask beyond the time
// its client has to answer.
constexpr auto answer_slack = std::chrono::seconds(2);

ClusterLink::Remote remote_of(const nlohmann::json& json) {
  ClusterLink::Remote remote;
  remote.code = json.value("code", 502);
  remote.text = json.value("text", "");
  remote.data = json.value("data", nlohmann::json());
  if (const auto reply = json.find("reply"); reply != json.end() && reply->is_object()) {
    auto message = message::Message::from_json(reply->dump());
    if (message) remote.reply = std::move(*message);
  }
  return remote;
}

}  // namespace

void RemoteCommands::send(const std::string& kind, const std::string& who,
                          const nlohmann::json& body, std::chrono::steady_clock::duration wait,
                          ClusterLink::RemoteDone done) {
  if (!parts_.nats.connected()) {
    parts_.counters.unavailable.fetch_add(1, std::memory_order_relaxed);
    return done({503, "cluster unavailable: " + parts_.nats.problem(), std::nullopt, nullptr});
  }
  auto shared_done = std::make_shared<ClusterLink::RemoteDone>(std::move(done));
  const auto sequence = parts_.pending.add(
      wait,
      [this, shared_done, who](const NatsConnection::Incoming& answer) {
        if (answer.no_responders)
          return (*shared_done)(
                     {404, "no client with the id or name '" + who + "'", std::nullopt, nullptr}),
                 true;
        const auto plaintext = unseal(*parts_.gateway.codec().current(), answer.data);
        const auto json =
            plaintext ? nlohmann::json::parse(*plaintext, nullptr, false) : nlohmann::json();
        if (!json.is_object()) return false;  // not a gateway's answer
        (*shared_done)(remote_of(json));
        return true;
      },
      [shared_done, who] {
        (*shared_done)(
            {504, "the gateway of '" + who + "' did not answer in time", std::nullopt, nullptr});
      });
  const auto sealed = seal(*parts_.gateway.codec().current(), body.dump());
  if (!parts_.nats.publish(parts_.subjects.to_client(who), sealed,
                           parts_.subjects.reply(parts_.node, sequence), kind))
    parts_.pending.abandon(sequence);
}

void RemoteCommands::ask(const std::string& who, message::Message request,
                         std::chrono::seconds timeout, ClusterLink::RemoteDone done) {
  send(ask_kind, who, {{"request", request.to_object()}, {"timeout", timeout.count()}},
       timeout + answer_slack, std::move(done));
}

void RemoteCommands::kick(const std::string& who, ClusterLink::RemoteDone done) {
  send(kick_kind, who, nlohmann::json::object(), answer_slack, std::move(done));
}

void RemoteCommands::reply(const std::string& to, const ClusterLink::Remote& remote) {
  nlohmann::json json = {{"code", remote.code}, {"text", remote.text}, {"data", remote.data}};
  if (remote.reply) json["reply"] = remote.reply->to_object();
  parts_.nats.publish(to, seal(*parts_.gateway.codec().current(), json.dump()));
}

void RemoteCommands::answer(const NatsConnection::Incoming& incoming) {
  auto& gateway = parts_.gateway;
  // Sealed under the shared key: only a gateway of the cluster asks this.
  const auto plaintext = unseal(*gateway.codec().current(), incoming.data);
  const auto body =
      plaintext ? nlohmann::json::parse(*plaintext, nullptr, false) : nlohmann::json();
  if (!body.is_object() || incoming.reply.empty()) {
    parts_.counters.refused.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const auto who = Subjects::client_of(incoming.subject);
  const auto to = std::string(incoming.reply);
  // An id of this gateway's that it no longer has is gone for good (ids are not given twice,
  // and another gateway takes a session over only once this one is gone): said at once, so
  // that the asker need not wait out its timeout. A name may have moved: left unanswered.
  const auto gone = [&] {
    if (gateway::is_client_id_of(who, parts_.node))
      reply(to, {404, "no client with the id '" + std::string(who) + "' any more", std::nullopt,
                 nullptr});
  };
  if (incoming.kind == kick_kind) {
    const auto notice =
        gateway::make_delivery(*gateway.codec().current(), gateway::kick_notice(gateway.server()));
    const auto kicked = gateway.hub().kick(who, notice ? &*notice : nullptr);
    if (kicked.empty()) return gone();
    for (const auto& client : kicked)
      spdlog::info("client {} ({}) kicked by an admin of another gateway", client->id(),
                   client->name());
    auto answer = gateway::kicked_reply(kicked);
    return reply(to, {200, answer.text, std::nullopt, answer.data.parse()});
  }
  if (incoming.kind != ask_kind) return;
  const auto target = gateway.hub().find(who);
  auto request = message::Message::from_json(body.value("request", nlohmann::json()).dump());
  if (!request) return;
  if (!target) return gone();
  const auto timeout = std::chrono::seconds(body.value("timeout", 10));
  const auto name = target->id() + " (" + target->name() + ")";
  const bool sent = gateway.ask(
      target, std::move(*request), timeout, [this, to, name](std::optional<message::Message> got) {
        if (!got) return reply(to, {504, name + " did not answer in time", std::nullopt, nullptr});
        reply(to, {200, name, std::move(got), nullptr});
      });
  if (!sent) reply(to, {413, "the request is too large to send", std::nullopt, nullptr});
}

}  // namespace gw::cluster
