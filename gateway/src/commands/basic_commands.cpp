#include <spdlog/spdlog.h>

#include <gw/gateway/server_info.hpp>

#include "command_sets.hpp"

namespace gw::gateway {

namespace {

using message::Message;

std::optional<Message> ping(const CommandContext&) {
  Message reply;
  reply.text = "pong";
  reply.data = clock_text();
  return reply;
}

std::optional<Message> error_report(const CommandContext& context) {
  // The report is the client's decrypted text: shown only at debug level.
  spdlog::info("client {} ({}) reports an error ({} bytes of text)",
               context.client ? context.client->id() : "without a session",
               context.session->remote_address(), context.request.text.size());
  spdlog::debug("error report from {}: {}", context.session->remote_address(),
                context.request.text);
  return text_reply("error report received");
}

// The gateway's commands, then those clients provide (`provide`), each with who provides it.
std::optional<Message> list_commands(const CommandRegistry& registry, const Services& services) {
  auto list = nlohmann::json::array();
  for (const auto* command : registry.list()) {
    if (command->name.empty()) continue;
    list.push_back(
        {{"name", command->name},
         {"description", command->description},
         {"permission", to_string(command->permission)},
         {"needs_session", command->needs_session || command->permission == Permission::admin}});
  }
  for (const auto& service : services.list())
    list.push_back({{"name", service["name"]},
                    {"description", service["description"]},
                    {"permission", service["permission"]},  // call: the call permission's
                    {"needs_session", false},
                    {"provided_by", service["providers"]}});
  const auto count = list.size();
  return text_reply(std::to_string(count) + " commands", std::move(list));
}

}  // namespace

void add_basic_commands(CommandRegistry& registry, const Services& services) {
  registry.add({.name = "ping",
                .description = "Answer pong with the gateway's clock",
                .permission = Permission::everyone,
                .handler = ping});
  registry.add({.name = "error",
                .description = "Report an error to the gateway's log",
                .permission = Permission::everyone,
                .handler = error_report});
  // The registry outlives its commands: it holds them; the services live as long.
  const auto list = [&registry, &services](const CommandContext&) {
    return list_commands(registry, services);
  };
  registry.add({.name = "commands",
                .description = "List the commands with their descriptions and permissions",
                .permission = Permission::everyone,
                .handler = list});
  registry.add({.name = "help",
                .description = "Same as commands",
                .permission = Permission::everyone,
                .handler = list});
}

Message text_reply(std::string text, nlohmann::json data) {
  Message reply;
  reply.text = std::move(text);
  reply.data = std::move(data);
  return reply;
}

std::string trimmed_args(std::string_view args) {
  constexpr std::string_view space = " \t\r\n";
  const auto first = args.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return std::string(args.substr(first, args.find_last_not_of(space) - first + 1));
}

bool is_one_word(std::string_view text, std::size_t max_bytes) noexcept {
  return !text.empty() && text.size() <= max_bytes &&
         text.find_first_of(" \t\r\n") == std::string_view::npos;
}

std::string target_of(const Message& request, std::string Message::*field) {
  if (!(request.*field).empty()) return request.*field;
  return split_first_word(request.args).first;
}

std::pair<std::string, std::string> split_first_word(std::string_view args) {
  const auto text = trimmed_args(args);
  const auto cut = text.find_first_of(" \t");
  if (cut == std::string::npos) return {text, {}};
  return {text.substr(0, cut), trimmed_args(std::string_view(text).substr(cut))};
}

}  // namespace gw::gateway
