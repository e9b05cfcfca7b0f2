#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <gw/message/result.hpp>

namespace gw::message {

// A file that holds secrets (a key file, a devices file), read whole. The file opened is the
// one judged: a regular file, at most `max_size` bytes and, with `require_private`, accessible
// by its owner only. `what` names it in errors ("key file", "devices file"). Kinds: key_file
// (unreadable, not a regular file, too large) and insecure_key_file (group or others may
// access it; the text gives the chmod that fixes it).
class PrivateFile {
 public:
  // A missing file is an error too.
  static Result<std::string> read(const std::filesystem::path& path, std::size_t max_size,
                                  std::string_view what, bool require_private);
  // A missing file is no text (nullopt), for files that are optional.
  static Result<std::optional<std::string>> read_if_present(const std::filesystem::path& path,
                                                            std::size_t max_size,
                                                            std::string_view what,
                                                            bool require_private);
  // The first line of a file that holds one secret (an admin key), without its line end and
  // trailing blanks. Kind key_file also when that line is empty.
  static Result<std::string> first_line(const std::filesystem::path& path, std::string_view what,
                                        bool require_private);
  // Writes `text` to a new file, mode 0600 whatever the umask, and syncs it to disk. Never
  // overwrites: an existing file is an error (kind key_file), as is any failure to write.
  static std::optional<Error> create(const std::filesystem::path& path, std::string_view text,
                                     std::string_view what);
  // Puts `text` in place of the file (or a new one), whole: written as create() does beside it
  // (PATH.new), then renamed over it, so that a reader sees the old file or the new one and a
  // crash leaves one of them.
  static std::optional<Error> replace(const std::filesystem::path& path, std::string_view text,
                                      std::string_view what);
};

}  // namespace gw::message
