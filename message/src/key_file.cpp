#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <gw/message/key_file.hpp>
#include <gw/message/private_file.hpp>

namespace gw::message {
namespace {

Error file_error(const std::filesystem::path& path, const std::string& what) {
  return {ErrorKind::key_file, "key file " + path.string() + ": " + what};
}

Error system_error(const std::filesystem::path& path, int error_number) {
  return file_error(path, std::strerror(error_number));
}

// Closes the descriptor on every path out of a function.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

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
  const FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    if (errno == EEXIST) return file_error(path, "already exists; not overwriting it");
    return system_error(path, errno);
  }
  // The mode given to open() is filtered by the umask; set it exactly.
  if (::fchmod(fd.get(), 0600) != 0) return system_error(path, errno);
  Fernet key = Fernet::generate();
  const std::string text = header + key.key() + "\n";
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t put = ::write(fd.get(), text.data() + written, text.size() - written);
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) return system_error(path, errno);
    written += static_cast<std::size_t>(put);
  }
  // A key that is lost after it has been handed out locks every client out; make it durable.
  if (::fsync(fd.get()) != 0) return system_error(path, errno);
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
