#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include <gw/message/fernet.hpp>
#include <gw/message/key_ring.hpp>
#include <gw/message/result.hpp>

namespace gw::message {

// A key file: one base64url Fernet key per line, the first encrypts; blank lines and lines
// starting with '#' are ignored. It must be private to its owner (mode 0600 or stricter).
class KeyFile {
 public:
  enum class Permissions { require_private, allow_insecure };

  // A key file is a few lines; anything larger is not one.
  static constexpr std::size_t max_size = 64 * 1024;

  // Kinds: key_file (missing, unreadable, too large, no key), insecure_key_file (group or
  // others may access it; the text gives the chmod that fixes it), bad_key (a line that is not
  // a key; the text names the file and line).
  static Result<KeyRing> load(const std::filesystem::path& path,
                              Permissions permissions = Permissions::require_private);
  // Writes a new file, mode 0600, holding one fresh key and returns that key. Never
  // overwrites: an existing file is kind key_file.
  static Result<Fernet> create(const std::filesystem::path& path);
  // The keys in a key file's text; origin names it in errors.
  static Result<KeyRing> parse(std::string_view text, std::string_view origin);
};

}  // namespace gw::message
