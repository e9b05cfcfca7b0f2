#pragma once

#include <string>
#include <string_view>

namespace gw::message {

// Why a token, key or message was refused. One kind per cause, so that callers can count
// failures by reason and tests can assert the cause rather than just the failure.
enum class ErrorKind {
  bad_base64,         // not strict base64url with padding
  too_short,          // fewer bytes than the smallest Fernet token
  bad_version,        // first byte is not 0x80
  bad_length,         // ciphertext is not a whole number of AES blocks
  bad_mac,            // HMAC matches no key: wrong key, or the token was altered
  expired,            // authentic, but older than the TTL
  from_future,        // authentic, but dated more than the allowed clock skew ahead
  bad_padding,        // authentic, but the PKCS7 padding is wrong
  too_large,          // over a configured size limit
  bad_key,            // a key that is not 32 bytes of base64url
  key_file,           // a key file that cannot be read or created, or holds no key
  insecure_key_file,  // a key file that group or others may access
  not_json,           // plaintext is not JSON
  invalid_utf8,       // plaintext, or a field to be sent, is not UTF-8
  not_object,         // JSON, but not an object
  bad_field_type,     // a known field has the wrong JSON type
};

// Stable snake_case name of the kind ("bad_mac"), for metrics labels and logs.
std::string_view to_string(ErrorKind kind) noexcept;

struct Error {
  ErrorKind kind;
  std::string text;  // what was wrong, in words a user can act on
};

}  // namespace gw::message
