#include <array>
#include <string>

#include <gw/message/base64url.hpp>

namespace gw::message::base64url {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::uint8_t invalid = 0xff;

constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> table{};
  table.fill(invalid);
  for (std::uint8_t i = 0; i < 64; ++i)
    table[static_cast<unsigned char>(alphabet[i])] = i;
  return table;
}
constexpr auto decode_table = make_decode_table();

constexpr bool is_ascii_whitespace(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

Error bad_character(std::string_view text, std::size_t position) {
  const auto c = static_cast<unsigned char>(text[position]);
  std::string what;
  if (c == '+' || c == '/') {
    what = std::string("'") + char(c) + "' is standard base64, not base64url (use '-' and '_')";
  } else if (c == '=') {
    what = "'=' is padding and may only end the text";
  } else if (is_ascii_whitespace(char(c))) {
    what = "whitespace is only allowed around the text";
  } else if (c >= 0x21 && c < 0x7f) {
    what = std::string("'") + char(c) + "' is not a base64url character";
  } else {
    static constexpr char hex[] = "0123456789abcdef";
    what = std::string("byte 0x") + hex[c >> 4] + hex[c & 15] + " is not a base64url character";
  }
  return {ErrorKind::bad_base64,
          "invalid base64url at position " + std::to_string(position) + ": " + what};
}

}  // namespace

std::string_view trim_ascii_whitespace(std::string_view text) noexcept {
  while (!text.empty() && is_ascii_whitespace(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_ascii_whitespace(text.back()))
    text.remove_suffix(1);
  return text;
}

void encode(std::span<const std::uint8_t> in, char* out) noexcept {
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v =
        (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    *out++ = alphabet[(v >> 18) & 63];
    *out++ = alphabet[(v >> 12) & 63];
    *out++ = alphabet[(v >> 6) & 63];
    *out++ = alphabet[v & 63];
  }
  const std::size_t rest = in.size() - i;
  if (rest == 0) return;
  std::uint32_t v = std::uint32_t{in[i]} << 16;
  if (rest == 2) v |= std::uint32_t{in[i + 1]} << 8;
  *out++ = alphabet[(v >> 18) & 63];
  *out++ = alphabet[(v >> 12) & 63];
  *out++ = rest == 2 ? alphabet[(v >> 6) & 63] : '=';
  *out++ = '=';
}

std::string encode(std::span<const std::uint8_t> in) {
  std::string out(encoded_size(in.size()), '\0');
  encode(in, out.data());
  return out;
}

Result<std::size_t> decode_into(std::string_view text, std::vector<std::uint8_t>& out) {
  const std::string_view body = trim_ascii_whitespace(text);
  const std::size_t offset = std::size_t(body.data() - text.data());  // for error positions
  if (body.size() % 4 != 0) {
    return Error{ErrorKind::bad_base64, "invalid base64url: " + std::to_string(body.size()) +
                                            " characters is not a multiple of 4 (is the '=' "
                                            "padding missing?)"};
  }
  std::size_t padding = 0;
  if (!body.empty() && body.back() == '=') padding = body[body.size() - 2] == '=' ? 2 : 1;
  const std::size_t data_chars = body.size() - padding;

  out.resize(body.size() / 4 * 3);
  const char* in = body.data();
  std::uint8_t* write = out.data();
  const std::size_t full_quads = data_chars / 4;
  // Four characters to three bytes at a time; an invalid character sets the table's high bit.
  for (std::size_t q = 0; q < full_quads; ++q, in += 4, write += 3) {
    const std::uint32_t a = decode_table[static_cast<unsigned char>(in[0])];
    const std::uint32_t b = decode_table[static_cast<unsigned char>(in[1])];
    const std::uint32_t c = decode_table[static_cast<unsigned char>(in[2])];
    const std::uint32_t d = decode_table[static_cast<unsigned char>(in[3])];
    if (((a | b | c | d) & 0x80) != 0) {
      const std::size_t at = q * 4 + (a & 0x80 ? 0 : b & 0x80 ? 1 : c & 0x80 ? 2 : 3);
      return bad_character(text, offset + at);
    }
    const std::uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
    write[0] = std::uint8_t(v >> 16);
    write[1] = std::uint8_t(v >> 8);
    write[2] = std::uint8_t(v);
  }
  std::size_t written = full_quads * 3;
  std::uint32_t bits = 0;
  std::size_t pending = 0;
  for (std::size_t i = full_quads * 4; i < data_chars; ++i) {
    const std::uint8_t v = decode_table[static_cast<unsigned char>(body[i])];
    if (v == invalid) return bad_character(text, offset + i);
    bits = (bits << 6) | v;
    ++pending;
  }
  if (pending != 0) {
    // One '=' leaves 18 bits (2 bytes + 2 spare), two leave 12 (1 byte + 4 spare). Canonical
    // encoders write the spare bits as zero; anything else is not what an encoder produced.
    const std::size_t spare = pending == 3 ? 2 : 4;
    if ((bits & ((1u << spare) - 1)) != 0) {
      return Error{ErrorKind::bad_base64,
                   "invalid base64url at position " + std::to_string(offset + data_chars - 1) +
                       ": non-zero bits after the last byte (not canonical base64url)"};
    }
    bits >>= spare;
    if (pending == 3) out[written++] = std::uint8_t(bits >> 8);
    out[written++] = std::uint8_t(bits);
  }
  out.resize(written);
  return written;
}

Result<std::vector<std::uint8_t>> decode(std::string_view text) {
  std::vector<std::uint8_t> out;
  auto decoded = decode_into(text, out);
  if (!decoded) return std::move(decoded).error();
  return out;
}

}  // namespace gw::message::base64url
