#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gw/message/private_file.hpp>

namespace gw::message {
namespace {

Error file_error(std::string_view what, const std::filesystem::path& path,
                 const std::string& problem) {
  return {ErrorKind::key_file, std::string(what) + " " + path.string() + ": " + problem};
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

}  // namespace

Result<std::string> PrivateFile::read(const std::filesystem::path& path, std::size_t max_size,
                                      std::string_view what, bool require_private) {
  auto text = read_if_present(path, max_size, what, require_private);
  if (!text) return std::move(text).error();
  if (!*text) return file_error(what, path, std::strerror(ENOENT));
  return std::move(**text);
}

Result<std::optional<std::string>> PrivateFile::read_if_present(const std::filesystem::path& path,
                                                                std::size_t max_size,
                                                                std::string_view what,
                                                                bool require_private) {
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0 && errno == ENOENT) return std::optional<std::string>();
  if (fd.get() < 0) return file_error(what, path, std::strerror(errno));
  // Judge the file that was opened, not whatever the path names a moment later.
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return file_error(what, path, std::strerror(errno));
  if (!S_ISREG(info.st_mode)) return file_error(what, path, "not a regular file");
  if ((info.st_mode & 077) != 0 && require_private) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", unsigned(info.st_mode & 07777));
    return Error{ErrorKind::insecure_key_file, std::string(what) + " " + path.string() +
                                                   " is accessible by group or others (mode " +
                                                   mode + "); restrict it with: chmod 600 " +
                                                   path.string()};
  }
  if (static_cast<std::size_t>(info.st_size) > max_size)
    return file_error(what, path,
                      "is " + std::to_string(info.st_size) + " bytes; a " + std::string(what) +
                          " is at most " + std::to_string(max_size));
  std::string text(max_size + 1, '\0');
  std::size_t total = 0;
  while (total < text.size()) {
    const ssize_t got = ::read(fd.get(), text.data() + total, text.size() - total);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return file_error(what, path, std::strerror(errno));
    if (got == 0) break;
    total += static_cast<std::size_t>(got);
  }
  if (total > max_size)
    return file_error(what, path, "grew past " + std::to_string(max_size) + " bytes");
  text.resize(total);
  return std::optional<std::string>(std::move(text));
}

Result<std::string> PrivateFile::first_line(const std::filesystem::path& path,
                                            std::string_view what, bool require_private) {
  constexpr std::size_t max_size = 64 * 1024;  // a key and perhaps a comment, not a document
  auto text = read(path, max_size, what, require_private);
  if (!text) return std::move(text).error();
  std::string line = text->substr(0, text->find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.pop_back();
  if (line.empty()) return file_error(what, path, "its first line is empty");
  return line;
}

std::optional<Error> PrivateFile::create(const std::filesystem::path& path, std::string_view text,
                                         std::string_view what) {
  const FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0 && errno == EEXIST)
    return file_error(what, path, "already exists; not overwriting it");
  if (fd.get() < 0) return file_error(what, path, std::strerror(errno));
  // The mode given to open() is filtered by the umask; set it exactly.
  if (::fchmod(fd.get(), 0600) != 0) return file_error(what, path, std::strerror(errno));
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t put = ::write(fd.get(), text.data() + written, text.size() - written);
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) return file_error(what, path, std::strerror(errno));
    written += static_cast<std::size_t>(put);
  }
  if (::fsync(fd.get()) != 0) return file_error(what, path, std::strerror(errno));
  return std::nullopt;
}

std::optional<Error> PrivateFile::replace(const std::filesystem::path& path, std::string_view text,
                                          std::string_view what) {
  auto fresh = path;
  fresh += ".new";
  ::unlink(fresh.c_str());  // what an interrupted replace left, if anything
  if (auto error = create(fresh, text, what)) return error;
  if (::rename(fresh.c_str(), path.c_str()) != 0) {
    const auto error = file_error(what, path, std::strerror(errno));
    ::unlink(fresh.c_str());
    return error;
  }
  // The rename itself reaches the disk with the directory.
  const auto directory = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const FileDescriptor dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
  return std::nullopt;
}

}  // namespace gw::message
