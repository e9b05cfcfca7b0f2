#include <gw/client/client_error.hpp>

namespace gw::client {

std::string_view to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::bad_url:
      return "bad_url";
    case ErrorKind::unreachable:
      return "unreachable";
    case ErrorKind::timeout:
      return "timeout";
    case ErrorKind::wrong_key:
      return "wrong_key";
    case ErrorKind::closed:
      return "closed";
    case ErrorKind::refused:
      return "refused";
    case ErrorKind::untrusted:
      return "untrusted";
  }
  return "unknown";
}

}  // namespace gw::client
