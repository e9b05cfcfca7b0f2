// The devices file: every device with its key and permissions, or an error that names the
// file, the entry's line and what to change, and nothing of a file with an error is used.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <gw/gateway/device_file.hpp>

namespace {

using gw::gateway::DeviceFile;
using gw::gateway::DeviceFileError;

const std::string key_one = gw::message::Fernet::generate().key();
const std::string key_two = gw::message::Fernet::generate().key();

std::string device(const std::string& name, const std::string& key, const std::string& more = "") {
  return "[[device]]\nname = \"" + name + "\"\nkey = \"" + key + "\"\n" + more + "\n";
}

// The error parsing `text` gives, or "" when it parses.
std::string error_of(const std::string& text) {
  try {
    DeviceFile::parse(text, "devices.toml");
  } catch (const DeviceFileError& error) {
    return error.what();
  }
  return "";
}

struct TemporaryDirectory {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("gw-devices-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  TemporaryDirectory() { std::filesystem::create_directories(path); }
  ~TemporaryDirectory() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("a devices file gives each device its key, permissions and line", "[devices]") {
  const auto devices = DeviceFile::parse(
      "# the kitchen\n" +
          device("kitchen-sensor", key_one,
                 "publish = [\"home/kitchen/#\"]\nsubscribe = [\"home/kitchen/+/set\"]\n"
                 "description = \"on the shelf above the oven\"") +
          device("wall-panel", key_two,
                 "send = [\"*\"]\ncommands = [\"lookup\", \"ask\"]\nadmin = true"),
      "devices.toml");
  REQUIRE(devices.size() == 2);
  const auto& sensor = devices[0];
  CHECK(sensor.name == "kitchen-sensor");
  CHECK(sensor.key.key() == key_one);
  CHECK(sensor.permissions.publish == std::vector<std::string>{"home/kitchen/#"});
  CHECK(sensor.permissions.subscribe == std::vector<std::string>{"home/kitchen/+/set"});
  CHECK(sensor.permissions.send.empty());
  CHECK(sensor.permissions.commands.empty());
  CHECK_FALSE(sensor.permissions.admin);
  CHECK(sensor.description == "on the shelf above the oven");
  CHECK(sensor.line == 2);
  const auto& panel = devices[1];
  CHECK(panel.permissions.send == std::vector<std::string>{"*"});
  CHECK(panel.permissions.commands == std::vector<std::string>{"lookup", "ask"});
  CHECK(panel.permissions.admin);
  CHECK(panel.line == 8);
  CHECK(DeviceFile::parse("", "devices.toml").empty());
}

TEST_CASE("a devices file with a mistake names the entry, the line and the fix", "[devices]") {
  const auto first = device("sensor", key_one);
  CHECK_THAT(error_of(first + device("sensor", key_two)),
             Catch::Contains("devices.toml line 5 (device 'sensor'): a second device of this "
                             "name (the first is at line 1)"));
  CHECK_THAT(error_of(first + device("other", key_one)),
             Catch::Contains("line 5 (device 'other'): the same key as the device at line 1"));
  CHECK_THAT(error_of(device("sensor", "not-a-key")),
             Catch::Contains("line 1 (device 'sensor'): the key is not a Fernet key"));
  CHECK_THAT(error_of(device("sensor", key_one, "publish = [\"home/#/kitchen\"]")),
             Catch::Contains("publish entry 'home/#/kitchen'"));
  CHECK_THAT(error_of(device("sensor", key_one, "subscribe = \"home/#\"")),
             Catch::Contains("subscribe must be a list of strings"));
  CHECK_THAT(error_of(device("sensor", key_one, "admin = \"yes\"")),
             Catch::Contains("admin must be true or false"));
  CHECK_THAT(error_of(device("sensor", key_one, "commands = [\"Look Up\"]")),
             Catch::Contains("commands entry 'Look Up': a name such as \"lookup\""));
  CHECK_THAT(error_of(device("sensor", key_one, "send = [\"two words\"]")),
             Catch::Contains("send entry 'two words'"));
  CHECK_THAT(error_of(device("sensor", key_one, "pubish = [\"home/#\"]")),
             Catch::Contains("unknown field pubish (name, key, publish"));
  CHECK_THAT(error_of(device("a space", key_one)), Catch::Contains("the name must be 1 to 64"));
  CHECK_THAT(error_of("[[device]]\nkey = \"" + key_one + "\"\n"),
             Catch::Contains("line 1: needs name = \"...\""));
  CHECK_THAT(error_of("[[device]]\nname = \"x\"\n"), Catch::Contains("needs key = \"...\""));
  CHECK_THAT(error_of("[devices]\nname = \"x\"\n"),
             Catch::Contains("unknown devices; the file holds [[device]] tables only"));
  CHECK_THAT(error_of("[[device]]\nname = \"x\nkey = 1\n"), Catch::Contains("devices.toml line 2"));
}

TEST_CASE("a missing devices file is no devices; a readable one is refused", "[devices]") {
  TemporaryDirectory directory;
  const auto file = directory.path / "devices.toml";
  CHECK(DeviceFile::load(file).empty());
  std::ofstream(file) << device("sensor", key_one);
  ::chmod(file.c_str(), 0644);
  CHECK_THROWS_WITH(DeviceFile::load(file),
                    Catch::Contains("devices file " + file.string() +
                                    " is accessible by group or others (mode 0644); restrict it "
                                    "with: chmod 600"));
  CHECK(DeviceFile::load(file, false).size() == 1);
  ::chmod(file.c_str(), 0600);
  CHECK(DeviceFile::load(file).front().name == "sensor");
}

TEST_CASE("a devices file is edited entry by entry, every other line kept", "[devices]") {
  const std::string original = "# devices of the flat\n\n" +
                               device("kitchen-sensor", key_one, "publish = [\"home/#\"]") +
                               "# the panel in the hall\n" + device("wall-panel", key_two);
  gw::gateway::Device lamp("lamp", gw::message::Fernet::generate());
  lamp.permissions.subscribe = {"home/lamp/#"};
  lamp.permissions.commands = {"ask"};
  lamp.description = "on the \"desk\"\n";
  const auto added = DeviceFile::with_added(original, lamp, "devices.toml");
  CHECK(added.starts_with(original));
  const auto devices = DeviceFile::parse(added, "devices.toml");
  REQUIRE(devices.size() == 3);
  CHECK(devices[2].name == "lamp");
  CHECK(devices[2].key.key() == lamp.key.key());
  CHECK(devices[2].permissions == lamp.permissions);
  CHECK(devices[2].description == lamp.description);
  CHECK_THROWS_WITH(
      DeviceFile::with_added(original, gw::gateway::Device("wall-panel", lamp.key), "devices.toml"),
      Catch::Contains("a second device of this name"));

  // Removing the first keeps the file's comment and the next entry's own comment.
  const auto removed = DeviceFile::with_removed(added, "kitchen-sensor", "devices.toml");
  REQUIRE(removed);
  CHECK(removed->starts_with("# devices of the flat\n\n# the panel in the hall\n[[device]]"));
  CHECK(DeviceFile::parse(*removed, "devices.toml").size() == 2);
  const auto last_gone = DeviceFile::with_removed(added, "lamp", "devices.toml");
  CHECK(*last_gone == original);
  CHECK_FALSE(DeviceFile::with_removed(added, "nobody", "devices.toml"));

  const auto new_key = gw::message::Fernet::generate();
  const auto rekeyed = DeviceFile::with_key(original, "wall-panel", new_key, "devices.toml");
  REQUIRE(rekeyed);
  const auto after = DeviceFile::parse(*rekeyed, "devices.toml");
  CHECK(after[1].key.key() == new_key.key());
  CHECK(after[0].key.key() == key_one);
  CHECK(rekeyed->size() == original.size());  // one line changed, of the same length
  CHECK_FALSE(DeviceFile::with_key(original, "nobody", new_key, "devices.toml"));
}

TEST_CASE("a device's name is one a send list can hold", "[devices]") {
  CHECK_FALSE(DeviceFile::name_problem("kitchen-sensor.2_b"));
  CHECK(DeviceFile::name_problem(""));
  CHECK(DeviceFile::name_problem("-x"));
  CHECK(DeviceFile::name_problem("two words"));
  CHECK(DeviceFile::name_problem(std::string(65, 'a')));
}
