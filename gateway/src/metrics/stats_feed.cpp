#include "stats_feed.hpp"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include <gw/gateway/cluster_link.hpp>
#include <gw/gateway/delivery.hpp>
#include <gw/gateway/hub.hpp>

#include "../hub/topic_activity.hpp"

namespace gw::gateway {

namespace {

using transports::all_transport_kinds;

double per_second(std::uint64_t now, std::uint64_t before, double seconds) {
  return std::round(static_cast<double>(now - before) / seconds * 10) / 10;
}

// Each reason's count: `value(now, before)` of the two tallies (a total, or a rate).
template <class Value>
nlohmann::json refusals_json(const Metrics::Refusals& now, const Metrics::Refusals& before,
                             Value value) {
  return {{"replayed", value(now.replayed, before.replayed)},
          {"rate_limited", value(now.rate_limited, before.rate_limited)},
          {"bad_tokens", value(now.bad_tokens, before.bad_tokens)},
          {"permission", value(now.permission, before.permission)}};
}

// {"total": N, NAME: the first entries of `list` whose JSON fits in `budget` bytes}: a feed
// message must fit in one token, whatever the gateway holds (a client's subscriptions alone
// may be long).
nlohmann::json bounded(const nlohmann::json& list, const char* name, std::size_t budget) {
  auto shown = nlohmann::json::array();
  std::size_t used = 0;
  for (const auto& entry : list) {
    used += entry.dump().size() + 1;
    if (used > budget) break;
    shown.push_back(entry);
  }
  return {{"total", list.size()}, {name, std::move(shown)}};
}

// The clients, those that sent last first: a dashboard shows what is active.
nlohmann::json most_recent_first(nlohmann::json clients) {
  std::stable_sort(clients.begin(), clients.end(), [](const auto& a, const auto& b) {
    return a.value("idle_seconds", 0.0) < b.value("idle_seconds", 0.0);
  });
  return clients;
}

}  // namespace

std::size_t StatsFeed::list_budget() const {
  // A token is base64 of the plaintext and 57 bytes more: three quarters of the largest, less
  // room for the message around the list.
  return parts_.codec.current()->options().max_token_size * 3 / 4 - 1024;
}

StatsFeed::Totals StatsFeed::totals() const {
  Totals totals;
  for (std::size_t i = 0; i < std::size(all_transport_kinds); ++i) {
    const auto& stats = parts_.transports[all_transport_kinds[i]];
    totals.in[i] = transports::TransportStats::read(stats.frames_in);
    totals.out[i] = transports::TransportStats::read(stats.frames_out);
  }
  totals.deliveries = parts_.metrics.deliveries();
  totals.refusals = parts_.metrics.refusals();
  return totals;
}

nlohmann::json StatsFeed::stats(const Totals& now, double seconds) const {
  auto clients = nlohmann::json::object();
  auto connections = nlohmann::json::object();
  auto in = nlohmann::json::object();
  auto out = nlohmann::json::object();
  auto in_total = nlohmann::json::object();
  auto out_total = nlohmann::json::object();
  for (std::size_t i = 0; i < std::size(all_transport_kinds); ++i) {
    const auto kind = all_transport_kinds[i];
    const auto name = std::string(transports::to_string(kind));
    clients[name] = parts_.hub.count(kind);
    connections[name] = parts_.transports[kind].sessions_open.load(std::memory_order_relaxed);
    in[name] = per_second(now.in[i], last_.in[i], seconds);
    out[name] = per_second(now.out[i], last_.out[i], seconds);
    in_total[name] = now.in[i];
    out_total[name] = now.out[i];
  }
  const auto& was = last_.refusals;
  const auto& is = now.refusals;
  nlohmann::json data = {
      {"name", parts_.server.name},
      {"uptime_seconds", parts_.server.uptime_seconds()},
      {"clients", clients},
      {"connections", connections},
      {"per_second",
       {{"in", in},
        {"out", out},
        {"deliveries", per_second(now.deliveries, last_.deliveries, seconds)},
        {"refusals", refusals_json(is, was,
                                   [&](std::uint64_t a, std::uint64_t b) {
                                     return per_second(a, b, seconds);
                                   })}}},
      {"total",
       {{"in", in_total},
        {"out", out_total},
        {"deliveries", now.deliveries},
        {"refusals", refusals_json(is, was, [](std::uint64_t a, std::uint64_t) { return a; })}}},
      {"store", {{"description", parts_.hub.store().describe()}}},
      {"cluster", nullptr}};
  if (const auto* cluster = parts_.hub.cluster()) {
    const auto problem = cluster->problem();
    data["cluster"] = {{"node", cluster->node()},
                       {"nodes", cluster->nodes().size()},
                       {"problem", problem.empty() ? nlohmann::json() : nlohmann::json(problem)}};
  }
  if (parts_.bridges) data["mqtt"] = parts_.bridges->status();
  return data;
}

void StatsFeed::publish(const char* topic, nlohmann::json data) {
  message::Message message;
  message.cmd = "publish";
  message.topic = topic;
  message.user_id = parts_.server.name;
  message.timestamp = iso8601_now();
  message.data = data;
  const auto delivery = make_delivery(*parts_.codec.current(), std::move(message));
  if (!delivery) {  // not expected: the lists are bounded to fit
    spdlog::warn("feed: {} not published: {}", topic, delivery.error().text);
    return;
  }
  local_.to_topic(topic, *delivery);
  published_.fetch_add(1, std::memory_order_relaxed);
}

void StatsFeed::tick() {
  const auto now = Clock::now();
  const auto& hub = parts_.hub;
  const bool stats = !hub.subscribers(stats_topic).empty();
  const bool topics = !hub.subscribers(topics_topic).empty();
  const bool clients = !hub.subscribers(clients_topic).empty();
  parts_.activity.set_active(topics);
  if (!stats && !topics && !clients) {
    last_tick_ = {};  // a reader coming later gets rates from its own first second on
    return;
  }
  const auto current = totals();
  if (last_tick_ == Clock::time_point{}) last_ = current;  // nothing to compare yet
  const auto seconds =
      last_tick_ == Clock::time_point{}
          ? 1.0
          : std::max(0.001, std::chrono::duration<double>(now - last_tick_).count());
  if (stats) publish(stats_topic, this->stats(current, seconds));
  if (topics)
    publish(topics_topic, bounded(parts_.activity.snapshot(now), "topics", list_budget()));
  if (clients)
    publish(clients_topic,
            bounded(most_recent_first(parts_.hub.clients()), "clients", list_budget()));
  last_ = current;
  last_tick_ = now;
}

}  // namespace gw::gateway
