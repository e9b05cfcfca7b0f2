// The devices file on any text: it parses, or is refused with a DeviceFileError that names the
// line. What parses survives the gateway's own edits: an entry written for a device reads back
// as that device, and removing or re-keying one changes that device alone, or is refused.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <gw/gateway/device_file.hpp>

namespace {

using gw::gateway::Device;
using gw::gateway::DeviceFile;
using gw::gateway::DeviceFileError;

bool same(const Device& a, const Device& b) {
  return a.name == b.name && a.key.key() == b.key.key() && a.permissions == b.permissions &&
         a.description == b.description;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<Device> devices;
  try {
    devices = DeviceFile::parse(text, "fuzz.toml");
  } catch (const DeviceFileError&) {
    return 0;
  }
  for (const auto& device : devices) {
    const auto again = DeviceFile::parse(DeviceFile::entry(device), "entry.toml");
    if (again.size() != 1 || !same(again.front(), device)) std::abort();
    try {
      const auto removed = DeviceFile::with_removed(text, device.name, "fuzz.toml");
      if (!removed) std::abort();
      const auto left = DeviceFile::parse(*removed, "fuzz.toml");
      if (left.size() + 1 != devices.size()) std::abort();
      for (const auto& other : left)
        if (other.name == device.name) std::abort();
    } catch (const DeviceFileError&) {
      // An entry the line-based edit cannot take out cleanly (say, an inline table) is refused.
    }
  }
  return 0;
}
