#include <gw/message/error.hpp>

namespace gw::message {

std::string_view to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::bad_base64:
      return "bad_base64";
    case ErrorKind::too_short:
      return "too_short";
    case ErrorKind::bad_version:
      return "bad_version";
    case ErrorKind::bad_length:
      return "bad_length";
    case ErrorKind::bad_mac:
      return "bad_mac";
    case ErrorKind::expired:
      return "expired";
    case ErrorKind::from_future:
      return "from_future";
    case ErrorKind::bad_padding:
      return "bad_padding";
    case ErrorKind::too_large:
      return "too_large";
    case ErrorKind::bad_key:
      return "bad_key";
    case ErrorKind::key_file:
      return "key_file";
    case ErrorKind::insecure_key_file:
      return "insecure_key_file";
    case ErrorKind::not_json:
      return "not_json";
    case ErrorKind::invalid_utf8:
      return "invalid_utf8";
    case ErrorKind::not_object:
      return "not_object";
    case ErrorKind::bad_field_type:
      return "bad_field_type";
  }
  return "unknown";
}

}  // namespace gw::message
