#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gw/message/result.hpp>

// base64url (RFC 4648 section 5) with padding, as Fernet keys and tokens use it. Decoding is
// strict: leading and trailing ASCII whitespace is ignored, anything else that is not canonical
// padded base64url is refused with the position of the first offending character.
namespace gw::message::base64url {

constexpr std::size_t encoded_size(std::size_t bytes) noexcept {
  return (bytes + 2) / 3 * 4;
}

// Writes exactly encoded_size(in.size()) characters to out.
void encode(std::span<const std::uint8_t> in, char* out) noexcept;
std::string encode(std::span<const std::uint8_t> in);

// Replaces out's contents with the decoded bytes; kind bad_base64 on failure.
Result<std::size_t> decode_into(std::string_view text, std::vector<std::uint8_t>& out);
Result<std::vector<std::uint8_t>> decode(std::string_view text);

// text without its leading and trailing ASCII whitespace (space, \t, \n, \v, \f, \r).
std::string_view trim_ascii_whitespace(std::string_view text) noexcept;

}  // namespace gw::message::base64url
