#pragma once

#include <gw/gateway/client.hpp>
#include <gw/gateway/command_registry.hpp>
#include <gw/message/message.hpp>

namespace gw::gateway {

class Gateway;

// Every built-in command: handshake, ping, error, commands, help, the chat message (the empty
// command), sessions, delivery, topics, polls and the admin commands.
void add_builtin_commands(CommandRegistry& registry);

// time, version and stats, read with `get`.
void add_builtin_requestables(Gateway& gateway);

// The message a WebSocket client receives on connecting: the handshake's data, unasked.
message::Message welcome_message(Gateway& gateway, const Client& client);

// The answer to a discovery probe: who this gateway is and where it listens; no session.
message::Message probe_answer(const Gateway& gateway);

// A discovery beacon: the probe answer's data, sent unasked to the announce port.
message::Message announce_message(const Gateway& gateway);

}  // namespace gw::gateway
