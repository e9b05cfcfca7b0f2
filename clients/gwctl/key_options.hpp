#pragma once

#include <optional>
#include <string>

#include <gw/message/key_ring.hpp>
#include <gw/message/result.hpp>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace gw::gwctl {

// --key / --key-file / --insecure-key-file, shared by every subcommand that needs a key.
class KeyOptions {
 public:
  static constexpr const char* missing =
      "no key given: pass --key-file FILE or --key KEY (or set GW_KEY_FILE or GW_KEY)";

  void add_to(CLI::App& command);
  // Whether --key or --key-file (or their environment variables) was given.
  bool given() const;
  // The key ring named by the options; kind bad_key when none was given.
  message::Result<message::KeyRing> load() const;
  // The key ring; or nothing, after printing why as "gwctl COMMAND: ..." and setting
  // `exit_code` to exit_usage (no key given) or exit_failed (a key that cannot be used).
  std::optional<message::KeyRing> load_or_report(const char* command, int& exit_code) const;

 private:
  std::string key_;
  std::string key_file_;
  bool insecure_key_file_ = false;
  CLI::Option* key_option_ = nullptr;
  CLI::Option* key_file_option_ = nullptr;
};

}  // namespace gw::gwctl
