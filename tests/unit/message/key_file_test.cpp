#include <fstream>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <gw/message/key_file.hpp>

#include "test_support.hpp"

using gw::message::ErrorKind;
using gw::message::Fernet;
using gw::message::KeyFile;
using std::chrono::seconds;

namespace {

unsigned mode_of(const std::filesystem::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

void write_file(const std::filesystem::path& path, const std::string& text, unsigned mode) {
  std::ofstream(path) << text;
  REQUIRE(::chmod(path.c_str(), mode) == 0);
}

// Sets the process umask for one scope.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : previous_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(previous_); }

 private:
  mode_t previous_;
};

}  // namespace

TEST_CASE("create writes one fresh key with mode 0600 whatever the umask", "[key_file]") {
  gw::test::TemporaryDirectory dir;
  for (const mode_t mask : {mode_t(0), mode_t(022), mode_t(0277)}) {
    const auto path = dir.path() / ("key-" + std::to_string(mask));
    const ScopedUmask umask(mask);
    auto key = KeyFile::create(path);
    REQUIRE(key);
    CHECK(mode_of(path) == 0600);
    auto ring = KeyFile::load(path);
    REQUIRE(ring);
    CHECK(ring->keys().size() == 1);
    CHECK(ring->primary().key() == key->key());
  }
}

TEST_CASE("create never overwrites", "[key_file]") {
  gw::test::TemporaryDirectory dir;
  const auto path = dir.path() / "gw.key";
  REQUIRE(KeyFile::create(path));
  const auto first = KeyFile::load(path)->primary().key();
  auto again = KeyFile::create(path);
  REQUIRE_FALSE(again);
  CHECK(again.error().kind == ErrorKind::key_file);
  CHECK(again.error().text == "key file " + path.string() + ": already exists; not overwriting it");
  CHECK(KeyFile::load(path)->primary().key() == first);
}

TEST_CASE("a key file readable by others is refused unless allowed", "[key_file]") {
  gw::test::TemporaryDirectory dir;
  const auto path = dir.path() / "gw.key";
  const auto key = Fernet::generate().key();
  write_file(path, key + "\n", 0644);

  auto refused = KeyFile::load(path);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::insecure_key_file);
  CHECK(refused.error().text == "key file " + path.string() +
                                    " is accessible by group or others (mode 0644); restrict it "
                                    "with: chmod 600 " +
                                    path.string());

  auto allowed = KeyFile::load(path, KeyFile::Permissions::allow_insecure);
  REQUIRE(allowed);
  CHECK(allowed->primary().key() == key);

  REQUIRE(::chmod(path.c_str(), 0600) == 0);
  CHECK(KeyFile::load(path));
  REQUIRE(::chmod(path.c_str(), 0620) == 0);  // writable by the group: someone could swap keys
  CHECK(KeyFile::load(path).error().kind == ErrorKind::insecure_key_file);
}

TEST_CASE("key files hold several keys, comments and blank lines", "[key_file]") {
  gw::test::TemporaryDirectory dir;
  const auto path = dir.path() / "gw.key";
  const Fernet new_key = Fernet::generate();
  const Fernet old_key = Fernet::generate();
  write_file(path,
             "# rotated on Monday\n\n  " + new_key.key() + "  \r\n# the previous key\n" +
                 old_key.key() + "\n\n",
             0600);
  auto ring = KeyFile::load(path);
  REQUIRE(ring);
  REQUIRE(ring->keys().size() == 2);
  CHECK(ring->primary().key() == new_key.key());
  CHECK(*ring->decrypt(old_key.encrypt("old"), seconds{60}) == "old");
}

TEST_CASE("a broken key file is refused with its name and line", "[key_file]") {
  gw::test::TemporaryDirectory dir;
  const auto path = dir.path() / "gw.key";

  write_file(path, "# header\n" + Fernet::generate().key() + "\nnot-a-key\n", 0600);
  auto bad_line = KeyFile::load(path);
  REQUIRE_FALSE(bad_line);
  CHECK(bad_line.error().kind == ErrorKind::bad_key);
  CHECK(bad_line.error().text == "key file " + path.string() +
                                     " line 3: a Fernet key is 44 characters of base64url; this "
                                     "one has 9");

  write_file(path, "# nothing here\n\n", 0600);
  CHECK(KeyFile::load(path).error().text == "key file " + path.string() + " holds no key");

  write_file(path, std::string(KeyFile::max_size + 1, '#'), 0600);
  CHECK(KeyFile::load(path).error().text == "key file " + path.string() + ": is " +
                                                std::to_string(KeyFile::max_size + 1) +
                                                " bytes; a key file is at most 65536");

  const auto missing = dir.path() / "missing.key";
  CHECK(KeyFile::load(missing).error().text ==
        "key file " + missing.string() + ": No such file or directory");
  CHECK(KeyFile::load(dir.path()).error().text ==
        "key file " + dir.path().string() + ": not a regular file");
}
