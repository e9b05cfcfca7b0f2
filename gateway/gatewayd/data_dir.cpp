#include "data_dir.hpp"

#include <array>
#include <cstdio>
#include <fstream>
#include <system_error>

#include <openssl/rand.h>

#include <gw/gateway/config_options.hpp>
#include <gw/message/key_file.hpp>

namespace gw::gatewayd {

namespace fs = std::filesystem;
using gateway::ConfigError;

namespace {

constexpr std::size_t id_bytes = 8;

void write_new_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::out | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw ConfigError("cannot write " + path.string());
}

bool is_gateway_id(const std::string& text) {
  return text.size() == 2 * id_bytes &&
         text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// A random id made once and kept, so that clients recognise the gateway across restarts.
std::string gateway_id(const fs::path& data_dir) {
  const auto path = data_dir / "gateway.id";
  if (std::ifstream in{path}) {
    std::string id;
    std::getline(in, id);
    if (is_gateway_id(id)) return id;
    throw ConfigError(path.string() +
                      " does not hold a gateway id (16 hex digits); delete it "
                      "and a new id is made");
  }
  std::array<unsigned char, id_bytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw ConfigError("the system's random generator failed");
  std::string id;
  for (const auto byte : bytes) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", byte);
    id += hex;
  }
  write_new_file(path, id + "\n");
  return id;
}

}  // namespace

message::KeyRing load_keys(const gateway::Config& config) {
  const auto permissions = config.allow_insecure_key_file
                               ? message::KeyFile::Permissions::allow_insecure
                               : message::KeyFile::Permissions::require_private;
  auto keys = message::KeyFile::load(config.key_path(), permissions);
  if (keys) return std::move(*keys);
  auto text = keys.error().text;
  if (keys.error().kind == message::ErrorKind::insecure_key_file)
    text += " (or start gatewayd with --insecure-key-file)";
  throw ConfigError(text);
}

DataDir prepare_data_dir(const gateway::Config& config) {
  std::error_code error;
  if (!fs::exists(config.data_dir, error)) {
    fs::create_directories(config.data_dir, error);
    if (error)
      throw ConfigError("cannot create data directory " + config.data_dir.string() + ": " +
                        error.message());
    // It holds the key: only its owner may look inside.
    fs::permissions(config.data_dir, fs::perms::owner_all, error);
  }
  bool created_config = false;
  if (!fs::exists(config.config_path())) {
    // The defaults, not this run's flags: a flag given once should not become permanent.
    write_new_file(config.config_path(), gateway::render_config_file(gateway::Config{}));
    created_config = true;
  }
  bool created_key = false;
  if (!fs::exists(config.key_path())) {
    if (auto created = message::KeyFile::create(config.key_path()); !created)
      throw ConfigError(created.error().text);
    created_key = true;
  }
  DataDir prepared{load_keys(config), gateway_id(config.data_dir)};
  prepared.created_config = created_config;
  prepared.created_key = created_key;
  return prepared;
}

}  // namespace gw::gatewayd
