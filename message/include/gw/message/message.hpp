#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gw/message/json_text.hpp>
#include <gw/message/result.hpp>

namespace gw::message {

// The JSON object inside every token. Every field is optional on input and unknown fields are
// ignored. On output the five fields of the original protocol (userID, timestamp, text, cmd,
// args) are always written, empty if unset, because older clients expect them; the others only
// when set.
struct Message {
  std::string user_id;    // "userID": the sender's display name
  std::string timestamp;  // ISO-8601 time the sender made the message
  std::string text;
  std::string cmd;    // empty: a plain chat message
  std::string args;   // the command's arguments as text
  std::string id;     // correlation id; a reply carries its request's id
  std::string token;  // session token from the handshake
  std::string to;     // recipient: a client id or a user name
  std::string topic;
  std::string from;  // set by the gateway on delivered messages: the sender's client id
  // The seed projects' ways of naming a command: SMC's {"call_func": NAME, "data": D} and the
  // URL server's {"url": "/NAME"}. The gateway runs NAME when `cmd` is empty.
  std::string call_func;
  std::string url;
  std::optional<std::int64_t> code;  // status of a reply
  // On publish: keep this as the topic's last message for later subscribers; on a delivery:
  // this is a topic's retained message, not a live one. Written only when true.
  bool retain = false;
  // On a delivered topic message the gateway keeps history for: its place in that history, for
  // `subscribe` with since (0: none; written only when set).
  std::uint64_t offset = 0;
  // Structured payload, kept as the JSON text it came in (JsonText::parse() to look inside);
  // empty when absent.
  JsonText data;

  // Objects and arrays nested deeper than this are refused before they are parsed: the
  // library's copies and writes recurse once per level, and the stack must not be the limit.
  static constexpr std::size_t default_max_depth = 64;

  // Kinds: not_json (syntax, a number out of range, nesting over `max_depth`), invalid_utf8,
  // not_object, bad_field_type (e.g. `field "code" must be an integer`). A JSON null counts as
  // an absent field; of a field given twice, the last value counts. Never throws for any input.
  static Result<Message> from_json(std::string_view json,
                                   std::size_t max_depth = default_max_depth);
  // Kind invalid_utf8 when a field holds bytes that are not UTF-8.
  Result<std::string> to_json() const;
  // The same fields as a JSON value, to put inside another message; not checked for UTF-8
  // (that happens when the message holding it is written).
  nlohmann::json to_object() const;

  bool operator==(const Message&) const = default;
};

}  // namespace gw::message
