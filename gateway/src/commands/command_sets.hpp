#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include <gw/gateway/codec_slot.hpp>
#include <gw/gateway/command_registry.hpp>
#include <gw/gateway/device.hpp>
#include <gw/gateway/feed_options.hpp>
#include <gw/gateway/gateway_control.hpp>
#include <gw/gateway/hub.hpp>
#include <gw/gateway/identities.hpp>
#include <gw/gateway/lookup_tables.hpp>
#include <gw/gateway/outgoing_requests.hpp>
#include <gw/gateway/requestables.hpp>
#include <gw/gateway/server_info.hpp>
#include <gw/gateway/services.hpp>
#include <gw/gateway/snapshot_slot.hpp>
#include <gw/message/message.hpp>

#include "admission/auth_throttle.hpp"

// The built-in commands, registered in groups, each group given only what its commands use.
namespace gw::gateway {

class Gateway;
struct GatewayControl;
class TopicHistory;

// ping, error, commands, help
void add_basic_commands(CommandRegistry& registry, const Services& services);

// handshake, resume, whoami, rename, clients, poll
struct SessionCommandsUse {
  Hub& hub;
  const ServerInfo& server;
  const CommandRegistry& commands;
  CodecSlot& codec;  // what waited for a resumed client is encoded afresh
};
void add_session_commands(CommandRegistry& registry, SessionCommandsUse use);

// chat, send, broadcast, publish, subscribe, unsubscribe, topics
struct MessagingCommandsUse {
  Hub& hub;
  CodecSlot& codec;
  TopicHistory& history;
  FeedOptions::Readers feed_readers = FeedOptions::Readers::admins;  // of the $gw feed
};
void add_messaging_commands(CommandRegistry& registry, MessagingCommandsUse use);

// auth, kick, shutdown, reload
struct AdminCommandsUse {
  const std::string& admin_key;
  AuthThrottle& auth_throttle;
  Hub& hub;
  const ServerInfo& server;
  CodecSlot& codec;
  const GatewayControl& control;
};
void add_admin_commands(CommandRegistry& registry, AdminCommandsUse use);

// device: list, show, add, remove and rotate the devices of the devices file
struct DeviceCommandsUse {
  const SnapshotSlot<Identities>& identities;
  const Hub& hub;
  const GatewayControl& control;
  // Throws DeviceFileError for devices this gateway could not use (Gateway::check_devices).
  std::function<void(std::span<const Device>)> check;
  std::shared_ptr<std::mutex> editing = std::make_shared<std::mutex>();  // one edit at a time
};
void add_device_commands(CommandRegistry& registry, DeviceCommandsUse use);

// Sends a request to a client and calls back with its answer (Gateway::ask).
using AskClient = std::function<bool(const std::shared_ptr<Client>&, message::Message,
                                     std::chrono::seconds, OutgoingRequests::Callback)>;

// lookup, get, ask
struct RequestCommandsUse {
  Hub& hub;
  Requestables& requestables;
  LookupTables& tables;
  std::chrono::seconds request_timeout;
  AskClient ask;
};
void add_request_commands(CommandRegistry& registry, RequestCommandsUse use);

// provide, unprovide, and the calls of what clients provide (Services::set_call_handler)
struct ServiceCommandsUse {
  Hub& hub;
  Services& services;
  const CommandRegistry& commands;  // names a client may not take
  std::chrono::seconds request_timeout;
  AskClient ask;
};
void add_service_commands(CommandRegistry& registry, ServiceCommandsUse use);

// Every group above, wired to `gateway`'s parts, and the requestables time, version, tables
// and stats.
void add_builtin_commands(Gateway& gateway);
void add_builtin_requestables(Gateway& gateway);

// A handler for a command of a group: `run(use, context)`.
template <typename Use>
CommandHandler handler_using(Use use,
                             std::optional<message::Message> (*run)(const Use&,
                                                                    const CommandContext&)) {
  return [use = std::move(use), run](const CommandContext& context) { return run(use, context); };
}

// A successful reply with text and, optionally, data.
message::Message text_reply(std::string text, nlohmann::json data = nullptr);

// The first word of `args` and the rest, both trimmed: "bob hello there" -> {"bob", "hello
// there"}.
std::pair<std::string, std::string> split_first_word(std::string_view args);

// Whether `text` is one word (no white space) of 1 to `max_bytes` bytes: a name a client gives.
bool is_one_word(std::string_view text, std::size_t max_bytes) noexcept;

// `args` without surrounding white space.
std::string trimmed_args(std::string_view args);

// What a command addressed to someone or some topic is about: `field` (to, topic) when set,
// else the first word of args, as "/send WHO TEXT" types it. The command and its access check
// both read it here, so that they cannot disagree.
std::string target_of(const message::Message& request, std::string message::Message::*field);

}  // namespace gw::gateway
