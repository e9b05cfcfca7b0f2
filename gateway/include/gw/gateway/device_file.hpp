#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <gw/gateway/device.hpp>

namespace gw::gateway {

// Why a devices file cannot be used, naming the file, the entry's line and the fix.
class DeviceFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The devices file (devices.toml): one [[device]] table per device, each with its own key.
// Private like the key file (mode 0600), since it holds the keys. Checked whole: a duplicate
// name or key, a malformed key, an invalid filter, an unknown field or a field of the wrong
// type is a DeviceFileError, and nothing of the file is used.
class DeviceFile {
 public:
  static constexpr std::size_t max_size = 4 * 1024 * 1024;  // some 10,000 devices
  static constexpr std::size_t max_name = 64;

  // A missing file is no devices. `require_private` false allows a file others may read.
  static std::vector<Device> load(const std::filesystem::path& path, bool require_private = true);
  // The devices in a file's text; `origin` names it in errors.
  static std::vector<Device> parse(std::string_view text, std::string_view origin);

  // Why `name` cannot be a device's, or nothing: 1 to 64 letters, digits, '.', '-', '_', not
  // starting with '-' (it stands in others' `send` lists).
  static std::optional<std::string> name_problem(std::string_view name);
  // A [[device]] entry for `device`, every field written out.
  static std::string entry(const Device& device);

  // Edits of a file's text that leave every other line as it was (comments included) and are
  // checked whole, as parse() checks (DeviceFileError). A device not in the text: nothing.
  static std::string with_added(std::string_view text, const Device& device,
                                std::string_view origin);
  static std::optional<std::string> with_removed(std::string_view text, std::string_view name,
                                                 std::string_view origin);
  static std::optional<std::string> with_key(std::string_view text, std::string_view name,
                                             const message::Fernet& key, std::string_view origin);
};

}  // namespace gw::gateway
