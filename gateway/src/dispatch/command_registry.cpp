#include <gw/gateway/command_registry.hpp>

namespace gw::gateway {

std::string_view to_string(Permission permission) noexcept {
  switch (permission) {
    case Permission::everyone:
      return "everyone";
    case Permission::admin:
      return "admin";
    case Permission::user:
      break;
  }
  return "user";
}

void CommandRegistry::add(Command command) {
  auto name = command.name;
  commands_.insert_or_assign(std::move(name), std::move(command));
}

const Command* CommandRegistry::find(std::string_view name) const {
  const auto found = commands_.find(name);
  return found == commands_.end() ? nullptr : &found->second;
}

std::vector<const Command*> CommandRegistry::list() const {
  std::vector<const Command*> all;
  all.reserve(commands_.size());
  for (const auto& [name, command] : commands_)
    all.push_back(&command);
  return all;
}

}  // namespace gw::gateway

namespace gw::gateway {

Responder CommandContext::responder() const {
  return Responder(replies, session, request.cmd, request.id, identity);
}

message::Message refusal(std::int64_t code, std::string text) {
  message::Message reply;
  reply.cmd = "error";
  reply.code = code;
  reply.text = std::move(text);
  return reply;
}

}  // namespace gw::gateway
