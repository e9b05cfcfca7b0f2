#pragma once

#include <gw/message/message.hpp>
#include <gw/message/result.hpp>

namespace gw::message::detail {

// A Message's JSON text, written field by field with no tree in between; `data` is copied in
// as the text it holds. Kind invalid_utf8 when a field holds bytes that are not UTF-8.
Result<std::string> write_message(const Message& message);

}  // namespace gw::message::detail
