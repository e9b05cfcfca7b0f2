#include "devices_reloader.hpp"

#include <sys/stat.h>

#include <gw/gateway/device_file.hpp>

namespace gw::gatewayd {

DevicesReloader::DevicesReloader(const gateway::Config& config)
    : path_(config.devices_path()), require_private_(!config.allow_insecure_key_file) {}

DevicesReloader::Seen DevicesReloader::look() const {
  struct stat status {};
  if (::stat(path_.c_str(), &status) != 0) return {};
  return {true,
          static_cast<std::int64_t>(status.st_mtim.tv_sec) * 1'000'000'000 + status.st_mtim.tv_nsec,
          static_cast<std::int64_t>(status.st_size), status.st_ino};
}

std::vector<gateway::Device> DevicesReloader::load() {
  std::lock_guard lock(mutex_);
  const auto seen = look();
  auto devices = gateway::DeviceFile::load(path_, require_private_);
  read_ = seen;
  missing_checks_ = 0;
  return devices;
}

std::string DevicesReloader::reload(gateway::Gateway& gateway) {
  std::lock_guard lock(mutex_);
  const auto seen = look();
  // Whatever happens next, this version of the file has been judged: a watch does not judge
  // it again until it changes.
  read_ = seen;
  missing_checks_ = 0;
  return gateway.use_devices(gateway::DeviceFile::load(path_, require_private_)) + " (from " +
         path_.string() + ")";
}

bool DevicesReloader::changed() {
  std::lock_guard lock(mutex_);
  const auto seen = look();
  if (seen == read_) {
    missing_checks_ = 0;
    return false;
  }
  if (!seen.present && read_.present && ++missing_checks_ < 2) return false;
  return true;
}

}  // namespace gw::gatewayd
