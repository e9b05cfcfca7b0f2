#include <string>
#include <vector>

#include <gw/message/key_file.hpp>
#include <gw/message/private_file.hpp>

namespace gw::message {
namespace {

constexpr char header[] =
    "# gw Fernet keys, one per line. The first line encrypts; every line decrypts, so a new key\n"
    "# can be put first while the old ones are still accepted. Keep this file private (0600).\n";

}  // namespace

Result<KeyRing> KeyFile::load(const std::filesystem::path& path, Permissions permissions) {
  auto text =
      PrivateFile::read(path, max_size, "key file", permissions == Permissions::require_private);
  if (!text) return std::move(text).error();
  return parse(*text, path.string());
}

Result<Fernet> KeyFile::create(const std::filesystem::path& path) {
  Fernet key = Fernet::generate();
  // A key that is lost after it has been handed out locks every client out: written durably.
  if (auto error = PrivateFile::create(path, header + key.key() + "\n", "key file"))
    return std::move(*error);
  return key;
}

Result<KeyRing> KeyFile::parse(std::string_view text, std::string_view origin) {
  std::vector<Fernet> keys;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++line_number;
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') continue;
    auto key = Fernet::from_key(line);
    if (!key) {
      return Error{ErrorKind::bad_key, "key file " + std::string(origin) + " line " +
                                           std::to_string(line_number) + ": " + key.error().text};
    }
    keys.push_back(std::move(*key));
  }
  if (keys.empty()) {
    return Error{ErrorKind::key_file, "key file " + std::string(origin) + " holds no key"};
  }
  return KeyRing(std::move(keys));
}

}  // namespace gw::message
