#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include <gw/gateway/command_registry.hpp>
#include <gw/message/message.hpp>

// The built-in commands, registered by add_builtin_commands in groups, and what they share.
namespace gw::gateway {

void add_basic_commands(CommandRegistry& registry);      // ping, error, commands, help
void add_session_commands(CommandRegistry& registry);    // handshake, whoami, rename, ...
void add_messaging_commands(CommandRegistry& registry);  // chat, send, publish, ...
void add_admin_commands(CommandRegistry& registry);      // auth, kick, shutdown, reload
void add_request_commands(CommandRegistry& registry);    // get, ask

// A successful reply with text and, optionally, data.
message::Message text_reply(std::string text, nlohmann::json data = nullptr);

// The first word of `args` and the rest, both trimmed: "bob hello there" -> {"bob", "hello
// there"}.
std::pair<std::string, std::string> split_first_word(std::string_view args);

// `args` without surrounding white space.
std::string trimmed_args(std::string_view args);

}  // namespace gw::gateway
