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
  std::uint32_t bit;             // this field's bit in a set of fields
};

// A Message's fields in the order they are written. The original protocol's five come first:
// they are always written.
inline constexpr std::size_t original_fields = 5;
inline constexpr Field fields[] = {
    {"userID", FieldKind::string, &Message::user_id, 1u << 0},
    {"timestamp", FieldKind::string, &Message::timestamp, 1u << 1},
    {"text", FieldKind::string, &Message::text, 1u << 2},
    {"cmd", FieldKind::string, &Message::cmd, 1u << 3},
    {"args", FieldKind::string, &Message::args, 1u << 4},
    {"id", FieldKind::string, &Message::id, 1u << 5},
    {"token", FieldKind::string, &Message::token, 1u << 6},
    {"to", FieldKind::string, &Message::to, 1u << 7},
    {"topic", FieldKind::string, &Message::topic, 1u << 8},
    {"from", FieldKind::string, &Message::from, 1u << 9},
    {"code", FieldKind::code, nullptr, 1u << 10},
    {"retain", FieldKind::retain, nullptr, 1u << 11},
    {"offset", FieldKind::offset, nullptr, 1u << 12},
    {"data", FieldKind::data, nullptr, 1u << 13},
};

// The field of that name, or nullptr for a name a Message does not have.
inline const Field* find_field(std::string_view name) noexcept {
  for (const Field& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

}  // namespace gw::message::detail
