#pragma once

#include <cstddef>
#include <string_view>

#include <gw/message/error.hpp>

namespace gw::message::detail {

// Why a text is not a Message, said in the terms of Message::from_json: the reader only says
// that it failed, and explaining is worth a second, slower look off the hot path.
Error refusal_of(std::string_view text, std::size_t max_depth);

}  // namespace gw::message::detail
