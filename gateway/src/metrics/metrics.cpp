#include <algorithm>
#include <cstdio>

#include <gw/gateway/metrics.hpp>
#include <gw/gateway/server_info.hpp>

namespace gw::gateway {

namespace {

using transports::TransportKind;
using transports::TransportStats;

// Key and key-file errors happen at start-up, never to a message.
bool is_message_error(message::ErrorKind kind) {
  using enum message::ErrorKind;
  return kind != bad_key && kind != key_file && kind != insecure_key_file;
}

std::size_t index_of(TransportKind kind) {
  return static_cast<std::size_t>(kind);
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, std::string_view name, std::string_view labels, double value) {
  char number[32];
  std::snprintf(number, sizeof number, "%.17g", value);
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(number).append("\n");
}

// A label value as the exposition format wants it: backslash, quote and newline escaped.
std::string label_value(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string transport_label(TransportKind kind) {
  return "transport=\"" + std::string(transports::to_string(kind)) + "\"";
}

// One counter per transport, read from the transports' own tallies.
void per_transport(std::string& out, const transports::TransportStatsBoard& stats,
                   std::string_view name, std::string_view help,
                   TransportStats::Counter TransportStats::*counter) {
  header(out, name, "counter", help);
  for (const auto kind : transports::all_transport_kinds)
    sample(out, name, transport_label(kind),
           static_cast<double>(TransportStats::read(stats[kind].*counter)));
}

}  // namespace

void Metrics::count_decode_failure(TransportKind transport, message::ErrorKind kind) noexcept {
  decode_failures_[index_of(transport)][static_cast<std::size_t>(kind)].fetch_add(
      1, std::memory_order_relaxed);
}

void Metrics::count_reply(std::int64_t code) noexcept {
  const auto found = std::find(reply_codes.begin(), reply_codes.end(), code);
  replies_[static_cast<std::size_t>(found - reply_codes.begin())].fetch_add(
      1, std::memory_order_relaxed);
}

void Metrics::count_handler_exception() noexcept {
  handler_exceptions_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::count_deliveries(std::uint64_t copies) noexcept {
  deliveries_.fetch_add(copies, std::memory_order_relaxed);
}

void Metrics::count_mailbox_drops(std::uint64_t dropped) noexcept {
  if (dropped > 0) mailbox_drops_.fetch_add(dropped, std::memory_order_relaxed);
}

void Metrics::count_udp_ignored(UdpIgnored reason) noexcept {
  udp_ignored_[static_cast<std::size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::count_replay_refusal(TransportKind transport, ReplayRefusal reason) noexcept {
  replay_refusals_[index_of(transport)][static_cast<std::size_t>(reason)].fetch_add(
      1, std::memory_order_relaxed);
}

std::uint64_t Metrics::replay_refusals(TransportKind transport,
                                       ReplayRefusal reason) const noexcept {
  return replay_refusals_[index_of(transport)][static_cast<std::size_t>(reason)].load(
      std::memory_order_relaxed);
}

void Metrics::count_rate_limited(TransportKind transport, RateLimit limit) noexcept {
  rate_limited_[index_of(transport)][static_cast<std::size_t>(limit)].fetch_add(
      1, std::memory_order_relaxed);
}

void Metrics::count_rate_limit_close(TransportKind transport) noexcept {
  rate_limit_closes_[index_of(transport)].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::count_permission_refusal(std::string_view sender, std::string_view permission) {
  permission_refusals_total_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(refusals_mutex_);
  std::pair<std::string, std::string> key{sender, permission};
  if (!permission_refusals_.contains(key) && permission_refusals_.size() >= max_refusal_series)
    key.first = "(others)";
  ++permission_refusals_[std::move(key)];
}

std::uint64_t Metrics::permission_refusals(std::string_view sender,
                                           std::string_view permission) const {
  std::lock_guard lock(refusals_mutex_);
  const auto found = permission_refusals_.find(
      std::pair<std::string, std::string>{std::string(sender), std::string(permission)});
  return found == permission_refusals_.end() ? 0 : found->second;
}

Metrics::Refusals Metrics::refusals() const noexcept {
  const auto sum = [](const auto& counters) {
    std::uint64_t total = 0;
    for (const auto& per_transport : counters)
      for (const auto& counter : per_transport)
        total += counter.load(std::memory_order_relaxed);
    return total;
  };
  return {.replayed = sum(replay_refusals_),
          .rate_limited = sum(rate_limited_),
          .bad_tokens = sum(decode_failures_),
          .permission = permission_refusals_total_.load(std::memory_order_relaxed)};
}

std::uint64_t Metrics::deliveries() const noexcept {
  return deliveries_.load(std::memory_order_relaxed);
}

std::uint64_t Metrics::mailbox_drops() const noexcept {
  return mailbox_drops_.load(std::memory_order_relaxed);
}

std::uint64_t Metrics::decode_failures(TransportKind transport,
                                       message::ErrorKind kind) const noexcept {
  return decode_failures_[index_of(transport)][static_cast<std::size_t>(kind)].load(
      std::memory_order_relaxed);
}

std::string Metrics::render(const ServerInfo& server,
                            const transports::TransportStatsBoard& stats) const {
  std::string out;
  out.reserve(8192);
  header(out, "gw_info", "gauge", "The gateway's version and name.");
  sample(
      out, "gw_info",
      "version=\"" + label_value(server.version) + "\",name=\"" + label_value(server.name) + "\"",
      1);
  header(out, "gw_uptime_seconds", "gauge", "Seconds since the gateway started.");
  sample(out, "gw_uptime_seconds", "", server.uptime_seconds());

  per_transport(out, stats, "gw_messages_in_total", "Tokens received.", &TransportStats::frames_in);
  per_transport(out, stats, "gw_messages_out_total", "Tokens sent.", &TransportStats::frames_out);
  per_transport(out, stats, "gw_bytes_in_total", "Token bytes received, without framing.",
                &TransportStats::bytes_in);
  per_transport(out, stats, "gw_bytes_out_total", "Token bytes sent, without framing.",
                &TransportStats::bytes_out);
  per_transport(out, stats, "gw_sessions_opened_total", "Connections accepted.",
                &TransportStats::sessions_opened);

  header(out, "gw_sessions", "gauge", "Connections open now.");
  for (const auto kind : transports::all_transport_kinds)
    sample(out, "gw_sessions", transport_label(kind),
           static_cast<double>(stats[kind].sessions_open.load(std::memory_order_relaxed)));

  header(out, "gw_decode_failures_total", "counter",
         "Messages refused before a command ran, by reason (too_large: over the size limit).");
  for (const auto kind : transports::all_transport_kinds) {
    for (std::size_t reason = 0; reason < error_kinds; ++reason) {
      const auto error = static_cast<message::ErrorKind>(reason);
      if (!is_message_error(error)) continue;
      auto count = decode_failures(kind, error);
      if (error == message::ErrorKind::too_large)
        count += TransportStats::read(stats[kind].too_large);
      sample(out, "gw_decode_failures_total",
             transport_label(kind) + ",reason=\"" + std::string(message::to_string(error)) + "\"",
             static_cast<double>(count));
    }
  }

  header(out, "gw_disconnects_total", "counter", "Connections the gateway closed, by reason.");
  for (const auto kind : transports::all_transport_kinds) {
    const auto& s = stats[kind];
    const auto label = transport_label(kind);
    sample(out, "gw_disconnects_total", label + ",reason=\"timeout\"",
           static_cast<double>(TransportStats::read(s.timeouts)));
    sample(out, "gw_disconnects_total", label + ",reason=\"slow_consumer\"",
           static_cast<double>(TransportStats::read(s.slow_consumers)));
    sample(out, "gw_disconnects_total", label + ",reason=\"connection_limit\"",
           static_cast<double>(TransportStats::read(s.refused)));
    sample(out, "gw_disconnects_total", label + ",reason=\"address_limit\"",
           static_cast<double>(TransportStats::read(s.refused_per_address)));
    sample(out, "gw_disconnects_total", label + ",reason=\"admission_timeout\"",
           static_cast<double>(TransportStats::read(s.admission_timeouts)));
    sample(out, "gw_disconnects_total", label + ",reason=\"rate_limit\"",
           static_cast<double>(rate_limit_closes_[index_of(kind)].load(std::memory_order_relaxed)));
  }

  header(out, "gw_replays_refused_total", "counter",
         "Authentic tokens not acted on by the replay guard: replayed (seen before), "
         "before_window (dated at or before the guard's horizon: before the start, or older than "
         "what it could remember).");
  for (const auto kind : transports::all_transport_kinds) {
    const char* reasons[] = {"replayed", "before_window"};
    for (std::size_t i = 0; i < std::size(reasons); ++i)
      sample(
          out, "gw_replays_refused_total", transport_label(kind) + ",reason=\"" + reasons[i] + "\"",
          static_cast<double>(replay_refusals_[index_of(kind)][i].load(std::memory_order_relaxed)));
  }
  header(out, "gw_rate_limited_total", "counter",
         "Messages refused by a rate limit (429, 503 for key_search; dropped on UDP), by the "
         "limit: session, address, undecryptable, key_search (device keys tried per second).");
  for (const auto kind : transports::all_transport_kinds) {
    const char* limits[] = {"session", "address", "undecryptable", "key_search"};
    for (std::size_t i = 0; i < std::size(limits); ++i)
      sample(out, "gw_rate_limited_total", transport_label(kind) + ",limit=\"" + limits[i] + "\"",
             static_cast<double>(rate_limited_[index_of(kind)][i].load(std::memory_order_relaxed)));
  }
  per_transport(out, stats, "gw_send_dropped_total", "UDP datagrams that could not be sent.",
                &TransportStats::dropped);

  header(out, "gw_permission_refusals_total", "counter",
         "Requests refused (403) because their sender may not do that, by device (\"(shared "
         "key)\" for the shared key's holders) and by the permission missing.");
  {
    std::lock_guard lock(refusals_mutex_);
    for (const auto& [key, count] : permission_refusals_)
      sample(out, "gw_permission_refusals_total",
             "device=\"" + label_value(key.first) + "\",permission=\"" + label_value(key.second) +
                 "\"",
             static_cast<double>(count));
  }

  header(out, "gw_replies_total", "counter", "Replies by code.");
  for (std::size_t i = 0; i <= reply_codes.size(); ++i) {
    const auto label = i < reply_codes.size() ? "code=\"" + std::to_string(reply_codes[i]) + "\""
                                              : std::string("code=\"other\"");
    sample(out, "gw_replies_total", label,
           static_cast<double>(replies_[i].load(std::memory_order_relaxed)));
  }
  header(out, "gw_handler_exceptions_total", "counter",
         "Commands that threw; each answered 500 and logged.");
  sample(out, "gw_handler_exceptions_total", "",
         static_cast<double>(handler_exceptions_.load(std::memory_order_relaxed)));
  header(out, "gw_deliveries_total", "counter",
         "Copies of messages handed to recipients (pushed or queued for poll).");
  sample(out, "gw_deliveries_total", "", static_cast<double>(deliveries()));
  header(out, "gw_mailbox_dropped_total", "counter",
         "Queued messages dropped because a mailbox was full (reported to its next poll).");
  sample(out, "gw_mailbox_dropped_total", "", static_cast<double>(mailbox_drops()));
  header(out, "gw_udp_ignored_total", "counter",
         "UDP tokens not acted on because they answer nothing asked (replays are "
         "gw_replays_refused_total).");
  const char* reasons[] = {"unrequested_answer"};
  for (std::size_t i = 0; i < udp_ignored_.size(); ++i)
    sample(out, "gw_udp_ignored_total", std::string("reason=\"") + reasons[i] + "\"",
           static_cast<double>(udp_ignored_[i].load(std::memory_order_relaxed)));
  return out;
}

}  // namespace gw::gateway
