#include <utility>

#include <gw/message/message.hpp>

#include "json_depth.hpp"
#include "utf8.hpp"

namespace gw::message {
namespace {

using Json = nlohmann::json;

struct StringField {
  const char* name;
  std::string Message::*member;
};

// The original protocol's five fields come first: they are always written.
constexpr std::size_t original_fields = 5;
constexpr StringField string_fields[] = {
    {"userID", &Message::user_id}, {"timestamp", &Message::timestamp},
    {"text", &Message::text},      {"cmd", &Message::cmd},
    {"args", &Message::args},      {"id", &Message::id},
    {"token", &Message::token},    {"to", &Message::to},
    {"topic", &Message::topic},    {"from", &Message::from},
};

Error field_type_error(const char* name, const char* expected) {
  return {ErrorKind::bad_field_type, std::string("field \"") + name + "\" must be " + expected};
}

// The fast parse reports only that it failed; say why, which is worth a second look. The
// second parse throws, and any of the library's exceptions must end here: a number beyond
// double range (1e309) is out_of_range, not parse_error.
Error explain_parse_failure(std::string_view text) {
  if (const auto bad = detail::first_invalid_utf8(text)) {
    return {ErrorKind::invalid_utf8,
            "message is not valid UTF-8 (byte " + std::to_string(*bad) + ")"};
  }
  try {
    [[maybe_unused]] const Json reparsed = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // The library counts bytes from 1; offsets here count from 0, like the UTF-8 check's.
    const std::size_t offset = e.byte == 0 ? 0 : e.byte - 1;
    return {ErrorKind::not_json,
            "message is not JSON (syntax error at byte " + std::to_string(offset) + ")"};
  } catch (const Json::out_of_range&) {
    return {ErrorKind::not_json,
            "message holds a number too large for a double (such as 1e309); send it as a "
            "string"};
  } catch (const Json::exception& e) {
    return {ErrorKind::not_json, std::string("message is not usable JSON: ") + e.what()};
  }
  return {ErrorKind::not_json, "message is not JSON"};
}

}  // namespace

Result<Message> Message::from_json(std::string_view text, std::size_t max_depth) {
  if (text.empty()) return Error{ErrorKind::not_json, "message is empty; expected a JSON object"};
  if (const auto at = detail::first_too_deep(text, max_depth)) {
    return Error{ErrorKind::not_json, "message nests objects or arrays deeper than " +
                                          std::to_string(max_depth) + " levels (byte " +
                                          std::to_string(*at) + ")"};
  }
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return explain_parse_failure(text);
  if (!json.is_object()) {
    return Error{ErrorKind::not_object,
                 std::string("message is a JSON ") + json.type_name() + ", expected an object"};
  }

  Message message;
  for (const auto& [name, member] : string_fields) {
    const auto it = json.find(name);
    if (it == json.end() || it->is_null()) continue;
    if (!it->is_string()) return field_type_error(name, "a string");
    message.*member = std::move(it->get_ref<std::string&>());
  }
  if (const auto it = json.find("code"); it != json.end() && !it->is_null()) {
    const bool fits =
        it->is_number_integer() &&
        (!it->is_number_unsigned() || it->get<std::uint64_t>() <= std::uint64_t(INT64_MAX));
    if (!fits) return field_type_error("code", "an integer");
    message.code = it->get<std::int64_t>();
  }
  if (const auto it = json.find("retain"); it != json.end() && !it->is_null()) {
    if (!it->is_boolean()) return field_type_error("retain", "true or false");
    message.retain = it->get<bool>();
  }
  if (const auto it = json.find("offset"); it != json.end() && !it->is_null()) {
    if (!it->is_number_unsigned()) return field_type_error("offset", "a whole number");
    message.offset = it->get<std::uint64_t>();
  }
  if (const auto it = json.find("data"); it != json.end()) message.data = std::move(*it);
  return message;
}

namespace {
// The message's fields as a JSON object of either kind: ordered for the wire, plain to embed.
template <class Json>
Json fields_of(const Message& message) {
  Json json = Json::object();
  for (std::size_t i = 0; i < std::size(string_fields); ++i) {
    const auto& [name, member] = string_fields[i];
    if (i < original_fields || !(message.*member).empty()) json[name] = message.*member;
  }
  if (message.code) json["code"] = *message.code;
  if (message.retain) json["retain"] = true;
  if (message.offset != 0) json["offset"] = message.offset;
  if (!message.data.is_null()) json["data"] = message.data;
  return json;
}
}  // namespace

nlohmann::json Message::to_object() const {
  return fields_of<nlohmann::json>(*this);
}

Result<std::string> Message::to_json() const {
  const auto json = fields_of<nlohmann::ordered_json>(*this);
  try {
    return json.dump();
  } catch (const nlohmann::ordered_json::type_error&) {
    // Only invalid UTF-8 makes dump() fail; name the field that holds it.
    for (const auto& [name, member] : string_fields) {
      if (const auto bad = detail::first_invalid_utf8(this->*member)) {
        return Error{ErrorKind::invalid_utf8, std::string("field \"") + name +
                                                  "\" is not valid UTF-8 (byte " +
                                                  std::to_string(*bad) + ")"};
      }
    }
    return Error{ErrorKind::invalid_utf8, "field \"data\" holds text that is not valid UTF-8"};
  }
}

}  // namespace gw::message
