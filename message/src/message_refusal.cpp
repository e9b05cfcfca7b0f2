#include "message_refusal.hpp"

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "json_depth.hpp"
#include "message_fields.hpp"
#include "utf8.hpp"

namespace gw::message::detail {
namespace {

using Json = nlohmann::json;

Error field_type_error(std::string_view name, const char* expected) {
  return {ErrorKind::bad_field_type, "field \"" + std::string(name) + "\" must be " + expected};
}

// The first reason, in a fixed order, that a field of the message has the wrong type.
std::optional<Error> wrong_field_type(const Json& json) {
  for (const Field& field : fields) {
    const auto it = json.find(field.name);
    if (it == json.end() || it->is_null()) continue;
    switch (field.kind) {
      case FieldKind::string:
        if (!it->is_string()) return field_type_error(field.name, "a string");
        break;
      case FieldKind::code:
        if (!it->is_number_integer() ||
            (it->is_number_unsigned() && it->get<std::uint64_t>() > std::uint64_t(INT64_MAX))) {
          return field_type_error(field.name, "an integer");
        }
        break;
      case FieldKind::retain:
        if (!it->is_boolean()) return field_type_error(field.name, "true or false");
        break;
      case FieldKind::offset:
        if (!it->is_number_unsigned()) return field_type_error(field.name, "a whole number");
        break;
      case FieldKind::data:
        break;
    }
  }
  return std::nullopt;
}

// Why the reader refused `text`. The reader only says that it failed; saying why is worth a
// second, slower look, with a parser that reports where the syntax broke. That parser throws,
// and any of its exceptions must end here: a number beyond double range (1e309) is
// out_of_range, not parse_error.
}  // namespace

Error refusal_of(std::string_view text, std::size_t max_depth) {
  if (text.empty()) return {ErrorKind::not_json, "message is empty; expected a JSON object"};
  if (const auto at = first_too_deep(text, max_depth)) {
    return {ErrorKind::not_json, "message nests objects or arrays deeper than " +
                                     std::to_string(max_depth) + " levels (byte " +
                                     std::to_string(*at) + ")"};
  }
  if (const auto bad = first_invalid_utf8(text)) {
    return {ErrorKind::invalid_utf8,
            "message is not valid UTF-8 (byte " + std::to_string(*bad) + ")"};
  }
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return {ErrorKind::not_json,
            "message is not JSON (a NUL byte at byte " + std::to_string(nul) + ")"};
  }
  try {
    const Json json = Json::parse(text);
    if (!json.is_object()) {
      return {ErrorKind::not_object,
              std::string("message is a JSON ") + json.type_name() + ", expected an object"};
    }
    if (auto wrong = wrong_field_type(json)) return std::move(*wrong);
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

}  // namespace gw::message::detail
