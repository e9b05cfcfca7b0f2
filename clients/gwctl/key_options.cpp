#include "key_options.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

#include <gw/message/key_file.hpp>

#include "command.hpp"

namespace gw::gwctl {

void KeyOptions::add_to(CLI::App& command) {
  key_option_ =
      command.add_option("--key", key_, "the Fernet key itself (44 characters)")->envname("GW_KEY");
  key_file_option_ =
      command.add_option("--key-file", key_file_, "a key file: one key per line, first encrypts")
          ->envname("GW_KEY_FILE");
  key_option_->excludes(key_file_option_);
  command.add_flag("--insecure-key-file", insecure_key_file_,
                   "use a key file even though group or others can read it");
}

bool KeyOptions::given() const {
  return (key_option_ != nullptr && key_option_->count() > 0) ||
         (key_file_option_ != nullptr && key_file_option_->count() > 0);
}

message::Result<message::KeyRing> KeyOptions::load() const {
  using message::KeyFile;
  if (key_option_ != nullptr && key_option_->count() > 0) {
    auto fernet = message::Fernet::from_key(key_);
    if (!fernet) return std::move(fernet).error();
    return message::KeyRing({std::move(*fernet)});
  }
  if (key_file_option_ != nullptr && key_file_option_->count() > 0) {
    auto ring =
        KeyFile::load(key_file_, insecure_key_file_ ? KeyFile::Permissions::allow_insecure
                                                    : KeyFile::Permissions::require_private);
    if (!ring && ring.error().kind == message::ErrorKind::insecure_key_file) {
      return message::Error{ring.error().kind,
                            ring.error().text + " (or pass --insecure-key-file to use it anyway)"};
    }
    return ring;
  }
  return message::Error{message::ErrorKind::bad_key, missing};
}

std::optional<message::KeyRing> KeyOptions::load_or_report(const char* command,
                                                           int& exit_code) const {
  if (!given()) {
    std::cerr << "gwctl " << command << ": " << missing << '\n';
    exit_code = exit_usage;
    return std::nullopt;
  }
  auto keys = load();
  if (!keys) {
    std::cerr << "gwctl " << command << ": " << keys.error().text << '\n';
    exit_code = exit_failed;
    return std::nullopt;
  }
  return std::move(*keys);
}

}  // namespace gw::gwctl
