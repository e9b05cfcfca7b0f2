#include "top_view.hpp"

#include <algorithm>
#include <cstdio>

namespace gw::gwctl {

namespace {

// "12.5", "3", "-": a number as a column shows it.
std::string number(const nlohmann::json& value) {
  if (!value.is_number()) return "-";
  char text[32];
  const auto number = value.get<double>();
  std::snprintf(text, sizeof text,
                number == static_cast<double>(static_cast<long long>(number)) ? "%.0f" : "%.1f",
                number);
  return text;
}

std::string cut(std::string text, std::size_t width) {
  if (text.size() > width) text = text.substr(0, width - 1) + "~";
  return text;
}

std::string row(const char* format, auto... values) {
  char line[512];
  std::snprintf(line, sizeof line, format, values...);
  return std::string(line) + "\n";
}

// "2d 03:04:05"
std::string uptime(const nlohmann::json& seconds) {
  const auto total = seconds.is_number() ? seconds.get<long long>() : 0;
  char text[48];
  std::snprintf(text, sizeof text, "%lldd %02lld:%02lld:%02lld", total / 86400, total / 3600 % 24,
                total / 60 % 60, total % 60);
  return text;
}

// The last message's value as short text: its data's JSON, else its text.
std::string last_value(const nlohmann::json& last) {
  if (!last.is_object()) return "";
  const auto data = last.value("data", nlohmann::json());
  if (!data.is_null()) return data.dump();
  return last.value("text", std::string());
}

}  // namespace

bool TopView::take(const std::string& topic, nlohmann::json data) {
  if (topic == "$gw/stats")
    stats_ = std::move(data);
  else if (topic == "$gw/topics")
    topics_ = std::move(data);
  else if (topic == "$gw/clients")
    clients_ = std::move(data);
  // Each list comes as {"total", "topics" or "clients": as many as fit in one message}.
  else
    return false;
  return true;
}

bool TopView::complete() const {
  return stats_.is_object() && topics_.is_object() && clients_.is_object();
}

std::string TopView::text(std::size_t rows) const {
  std::string out;
  const auto per_second = stats_.value("per_second", nlohmann::json::object());
  const auto in = per_second.value("in", nlohmann::json::object());
  const auto sent = per_second.value("out", nlohmann::json::object());
  const auto clients = stats_.value("clients", nlohmann::json::object());
  out += row("%s  up %s", stats_.value("name", std::string("gateway")).c_str(),
             uptime(stats_.value("uptime_seconds", nlohmann::json())).c_str());
  const auto cluster = stats_.value("cluster", nlohmann::json());
  if (cluster.is_object())
    out += row("cluster: node %s, %s gateways%s", cluster.value("node", std::string()).c_str(),
               number(cluster.value("nodes", nlohmann::json())).c_str(),
               cluster.value("problem", nlohmann::json()).is_string()
                   ? (", " + cluster["problem"].get<std::string>()).c_str()
                   : "");
  // The gateway's MQTT bridges, each on a line: where it stands and what it carried.
  for (const auto& bridge : stats_.value("mqtt", nlohmann::json::array())) {
    if (!bridge.is_object()) continue;
    const auto problem = bridge.value("problem", nlohmann::json());
    out += row("mqtt %s: %s, exported %s, imported %s, queued %s%s",
               bridge.value("name", std::string()).c_str(),
               bridge.value("state", std::string()).c_str(),
               number(bridge.value("exported", nlohmann::json())).c_str(),
               number(bridge.value("imported", nlohmann::json())).c_str(),
               number(bridge.value("export_queue", nlohmann::json())).c_str(),
               problem.is_string() ? (" (" + problem.get<std::string>() + ")").c_str() : "");
  }
  out += "\n" + row("%-10s %8s %10s %10s", "transport", "clients", "in/s", "out/s");
  for (const auto& [transport, count] : clients.items())
    out += row("%-10s %8s %10s %10s", transport.c_str(), number(count).c_str(),
               number(in.value(transport, nlohmann::json())).c_str(),
               number(sent.value(transport, nlohmann::json())).c_str());
  const auto refusals = per_second.value("refusals", nlohmann::json::object());
  out +=
      row("deliveries/s %s   refused/s: replayed %s, rate limited %s, bad tokens %s, "
          "permission %s",
          number(per_second.value("deliveries", nlohmann::json())).c_str(),
          number(refusals.value("replayed", nlohmann::json())).c_str(),
          number(refusals.value("rate_limited", nlohmann::json())).c_str(),
          number(refusals.value("bad_tokens", nlohmann::json())).c_str(),
          number(refusals.value("permission", nlohmann::json())).c_str());

  out += "\n" + row("%-36s %8s %9s  %s", "topic", "msg/s", "messages", "last value");
  const auto topics = topics_.value("topics", nlohmann::json::array());
  std::size_t shown = 0;
  for (const auto& topic : topics) {
    if (shown++ == rows) break;
    out += row("%-36s %8s %9s  %s", cut(topic.value("topic", std::string()), 36).c_str(),
               number(topic.value("rate", nlohmann::json())).c_str(),
               number(topic.value("messages", nlohmann::json())).c_str(),
               cut(last_value(topic.value("last", nlohmann::json())), 40).c_str());
  }
  if (topics.empty()) out += "(nothing published lately)\n";

  out += "\n" + row("%-20s %-10s %-9s %9s %9s %8s %7s", "client", "id", "transport", "rtt ms", "in",
                    "out", "idle s");
  const auto clients_listed = clients_.value("clients", nlohmann::json::array());
  shown = 0;
  for (const auto& client : clients_listed) {
    if (shown++ == rows) break;
    out += row("%-20s %-10s %-9s %9s %9s %8s %7s",
               cut(client.value("name", std::string()), 20).c_str(),
               cut(client.value("id", std::string()), 10).c_str(),
               client.value("transport", std::string()).c_str(),
               number(client.value("rtt_ms", nlohmann::json())).c_str(),
               number(client.value("messages_in", nlohmann::json())).c_str(),
               number(client.value("messages_out", nlohmann::json())).c_str(),
               number(client.value("idle_seconds", nlohmann::json())).c_str());
  }
  if (clients_.size() > rows) out += row("... and %zu more", clients_.size() - rows);
  return out;
}

std::string TopView::json_line() const {
  return nlohmann::json{{"stats", stats_},
                        {"topics", topics_.value("topics", nlohmann::json::array())},
                        {"clients", clients_.value("clients", nlohmann::json::array())}}
      .dump();
}

}  // namespace gw::gwctl
