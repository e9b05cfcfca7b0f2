#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <gw/message/message.hpp>

namespace gw::message::detail {

enum class FieldKind { string, code, retain, offset, data };

struct Field {
  std::string_view name;
  FieldKind kind;
  std::string Message::*member;  // string fields only
};

// A Message's fields in the order they are written. The original protocol's five come first:
// they are always written.
inline constexpr std::size_t original_fields = 5;
inline constexpr Field fields[] = {
    {"userID", FieldKind::string, &Message::user_id},
    {"timestamp", FieldKind::string, &Message::timestamp},
    {"text", FieldKind::string, &Message::text},
    {"cmd", FieldKind::string, &Message::cmd},
    {"args", FieldKind::string, &Message::args},
    {"id", FieldKind::string, &Message::id},
    {"token", FieldKind::string, &Message::token},
    {"to", FieldKind::string, &Message::to},
    {"topic", FieldKind::string, &Message::topic},
    {"from", FieldKind::string, &Message::from},
    {"call_func", FieldKind::string, &Message::call_func},
    {"url", FieldKind::string, &Message::url},
    {"code", FieldKind::code, nullptr},
    {"retain", FieldKind::retain, nullptr},
    {"offset", FieldKind::offset, nullptr},
    {"data", FieldKind::data, nullptr},
};

// A field's bit in a set of fields: its place in `fields`.
inline std::uint32_t bit_of(const Field& field) noexcept {
  return 1u << (&field - fields);
}

// The field of that name, or nullptr for a name a Message does not have.
inline const Field* find_field(std::string_view name) noexcept {
  for (const Field& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

}  // namespace gw::message::detail
