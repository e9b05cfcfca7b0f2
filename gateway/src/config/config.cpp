#include <algorithm>
#include <cctype>

#include <gw/gateway/config.hpp>

// One message limit for the transports and the codec: a token that fits one fits the other.
static_assert(gw::transports::Limits::default_message_bytes ==
              gw::message::CodecOptions::default_max_token_size);

namespace gw::gateway {

std::filesystem::path Config::in_data_dir(const std::filesystem::path& path) const {
  return path.empty() || path.is_absolute() ? path : data_dir / path;
}

std::filesystem::path Config::config_path() const {
  return config_file.empty() ? data_dir / "gatewayd.toml" : config_file;
}

std::filesystem::path Config::key_path() const {
  return in_data_dir(key_file);
}

std::filesystem::path Config::devices_path() const {
  return in_data_dir(devices_file);
}

std::filesystem::path Config::log_path() const {
  return in_data_dir(log_file);
}

std::filesystem::path Config::storage_path() const {
  return in_data_dir(storage.file);
}

std::filesystem::path Config::tls_certificate_path() const {
  if (tls_makes_own_certificate()) return data_dir / "tls-certificate.pem";
  return in_data_dir(tls_certificate);
}

std::filesystem::path Config::tls_private_key_path() const {
  if (tls_makes_own_certificate()) return data_dir / "tls-private-key.pem";
  return in_data_dir(tls_private_key);
}

}  // namespace gw::gateway

namespace gw::gateway {

std::string cluster_name_problem(std::string_view text) {
  constexpr std::size_t longest = 32;
  const auto fits = [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; };
  if (text.empty() || text.size() > longest || !std::all_of(text.begin(), text.end(), fits))
    return "'" + std::string(text) + "' cannot name a cluster or a gateway in it: 1 to " +
           std::to_string(longest) + " letters, digits, '-' and '_'";
  return {};
}

}  // namespace gw::gateway
