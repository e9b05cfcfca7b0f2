#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <vector>

#include <gw/gateway/config.hpp>
#include <gw/gateway/device.hpp>
#include <gw/gateway/gateway.hpp>

namespace gw::gatewayd {

// The devices file as gatewayd keeps it in force: read at start, and read again on SIGHUP, on
// `reload`, after `device add` and the like, and when it changes on disk (checked every
// second). A file with an error changes nothing: the devices in use stay, and the error is
// logged and returned.
class DevicesReloader {
 public:
  explicit DevicesReloader(const gateway::Config& config);

  // The devices as the file is now. Throws gateway::DeviceFileError.
  std::vector<gateway::Device> load();
  // Reads the file again and gives it to `gateway`; returns what changed. Throws
  // gateway::DeviceFileError, and the devices in use stay.
  std::string reload(gateway::Gateway& gateway);
  // Whether the file changed on disk since it was last read (a file gone counts once it has
  // been gone for two checks in a row, so that an editor's save is not taken for a removal).
  bool changed();

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  struct Seen {
    bool present = false;
    std::int64_t modified_ns = 0;
    std::int64_t size = 0;
    ino_t inode = 0;
    bool operator==(const Seen&) const = default;
  };
  Seen look() const;

  const std::filesystem::path path_;
  const bool require_private_;
  std::mutex mutex_;  // one reload at a time (a signal, a command and the watch may coincide)
  Seen read_;         // what the file was when last read
  int missing_checks_ = 0;
};

}  // namespace gw::gatewayd
