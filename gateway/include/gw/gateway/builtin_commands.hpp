#pragma once

#include <memory>
#include <vector>

#include <gw/gateway/client.hpp>
#include <gw/gateway/command_registry.hpp>
#include <gw/gateway/server_info.hpp>
#include <gw/message/message.hpp>

// The messages the gateway sends unasked or without a command (the built-in commands
// themselves are registered by the gateway).
namespace gw::gateway {

// The message a WebSocket client receives on connecting: the handshake's data, unasked.
message::Message welcome_message(const ServerInfo& server, const CommandRegistry& commands,
                                 const Client& client);

// The answer to a discovery probe: who this gateway is and where it listens; no session.
message::Message probe_answer(const ServerInfo& server);

// A discovery beacon: the probe answer's data, sent unasked to the announce port.
message::Message announce_message(const ServerInfo& server);
// What a kicked client is told before its connection closes.
message::Message kick_notice(const ServerInfo& server);
// The reply to a kick that ended `kicked` (at least one).
message::Message kicked_reply(const std::vector<std::shared_ptr<Client>>& kicked);

}  // namespace gw::gateway
