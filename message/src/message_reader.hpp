#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <gw/message/message.hpp>

namespace gw::message::detail {

// Reads a Message straight from its JSON text in one pass, with no tree in between: the
// fields are set as the parser meets them and `data` is kept as the text it was sent in.
// Accepts exactly what Message::from_json accepts; false for anything else, with no reason
// (the refusal is explained apart, off the hot path).
bool read_message(std::string_view text, std::size_t max_depth, Message& message);
// The same, for text the caller keeps in a string: its terminating NUL spares a copy.
bool read_message(const std::string& text, std::size_t max_depth, Message& message);

}  // namespace gw::message::detail
