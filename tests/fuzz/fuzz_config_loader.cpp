// The config loader on any file: it loads, or refuses with a ConfigError that names what is
// wrong. Nothing else may escape, and nothing may crash.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gw/gateway/config.hpp>
#include <gw/gateway/config_loader.hpp>
#include <gw/gateway/config_options.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto path =
      std::filesystem::temp_directory_path() / ("gw-fuzz-config-" + std::to_string(getpid()));
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const gw::gateway::FlagValue flags[] = {{"config", path.string()}};
  // No environment: the file alone decides.
  const gw::gateway::Environment none = [](const std::string&) -> std::optional<std::string> {
    return std::nullopt;
  };
  try {
    const auto config = gw::gateway::load_config(flags, none);
    (void)gw::gateway::render_config_file(config);
  } catch (const gw::gateway::ConfigError&) {
  }
  return 0;
}
