#pragma once

#include <memory>

#include <gw/gateway/command_registry.hpp>
#include <gw/message/message.hpp>
#include <gw/transports/session.hpp>

namespace gw::gateway {

class Gateway;

// handshake, ping, error, commands and help, and the chat message (the empty command).
void add_builtin_commands(CommandRegistry& registry);

// The message a WebSocket client receives on connecting: the handshake's data, unasked.
message::Message welcome_message(Gateway& gateway, const transports::Session& session);

}  // namespace gw::gateway
