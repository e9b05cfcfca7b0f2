#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace gw::message::detail {

// Offset of the first byte that does not belong to well-formed UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or nullopt if the text is UTF-8. Used only
// to explain a failure the JSON library already found, so it is written for clarity.
std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept;

}  // namespace gw::message::detail
