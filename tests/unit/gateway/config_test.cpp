#include <fstream>
#include <map>

#include <catch2/catch.hpp>

#include <gw/gateway/config_loader.hpp>
#include <gw/gateway/config_options.hpp>

#include "test_support.hpp"

namespace {

using gw::gateway::Config;
using gw::gateway::ConfigError;
using gw::gateway::FlagValue;
using gw::gateway::load_config;

gw::gateway::Environment environment(std::map<std::string, std::string> variables = {}) {
  return [variables](const std::string& name) -> std::optional<std::string> {
    const auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  };
}

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string refusal(std::vector<FlagValue> flags, const gw::gateway::Environment& env) {
  try {
    load_config(flags, env);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("defaults are the documented ports and limits", "[config]") {
  gw::test::TemporaryDirectory dir;
  const std::vector<FlagValue> flags{{"data-dir", (dir.path() / "none").string()}};
  const auto config = load_config(flags, environment());
  CHECK(config.http_port == 5000);
  CHECK(config.ws_port == 8000);
  CHECK(config.udp_port == 1234);
  CHECK(config.tcp_port == 5001);
  CHECK(config.ttl == std::chrono::seconds(120));
  CHECK(config.limits.http_header_bytes == 8192);
  CHECK(config.limits.message_bytes == 65536);
  CHECK(config.key_path() == dir.path() / "none" / "gw.key");
}

TEST_CASE("the file, then the environment, then flags", "[config]") {
  gw::test::TemporaryDirectory dir;
  write(
      dir.path() / "gatewayd.toml",
      "[gateway]\nname = \"file\"\nttl = 30\n[listeners]\nhttp_port = 6000\nudp_port = \"off\"\n");
  const FlagValue data_dir{"data-dir", dir.path().string()};

  auto config = load_config(std::vector{data_dir}, environment());
  CHECK(config.name == "file");
  CHECK(config.ttl == std::chrono::seconds(30));
  CHECK(config.http_port == 6000);
  CHECK_FALSE(config.udp_port.has_value());

  config =
      load_config(std::vector{data_dir}, environment({{"GW_NAME", "env"}, {"GW_UDP_PORT", "0"}}));
  CHECK(config.name == "env");
  CHECK(config.udp_port == 0);

  config =
      load_config(std::vector{data_dir, FlagValue{"name", "flag"}, FlagValue{"tcp-port", "-1"}},
                  environment({{"GW_NAME", "env"}}));
  CHECK(config.name == "flag");
  CHECK_FALSE(config.tcp_port.has_value());
}

TEST_CASE(
    "a relative key file is in the data directory from the file, the working directory "
    "from a flag",
    "[config]") {
  gw::test::TemporaryDirectory dir;
  write(dir.path() / "gatewayd.toml", "[gateway]\nkey_file = \"keys/main.key\"\n");
  const FlagValue data_dir{"data-dir", dir.path().string()};
  CHECK(load_config(std::vector{data_dir}, environment()).key_path() ==
        dir.path() / "keys/main.key");
  const auto from_flag =
      load_config(std::vector{data_dir, FlagValue{"key-file", "here.key"}}, environment());
  CHECK(from_flag.key_path() == std::filesystem::absolute("here.key"));
}

TEST_CASE("invalid values are refused with the option and the value named", "[config]") {
  gw::test::TemporaryDirectory dir;
  const FlagValue data_dir{"data-dir", dir.path().string()};
  const auto env = environment();
  CHECK(refusal({data_dir, {"http-port", "web"}}, env) ==
        "invalid value 'web' for --http-port: expected a port from 0 to 65535 (0: any free "
        "port), or off");
  CHECK(refusal({data_dir, {"threads", "1000"}}, env) ==
        "invalid value '1000' for --threads: expected a thread count (0: one per core) from 0 "
        "to 256");
  CHECK(refusal({data_dir}, environment({{"GW_TTL", "soon"}})) ==
        "invalid value 'soon' for GW_TTL: expected whole seconds from 0 to 31536000");
  CHECK(refusal({data_dir, {"no-such-flag", "1"}}, env) == "unknown option --no-such-flag");
  CHECK(refusal({data_dir,
                 {"http-port", "off"},
                 {"ws-port", "off"},
                 {"udp-port", "off"},
                 {"tcp-port", "off"}},
                env)
            .find("every listener is off") != std::string::npos);

  write(dir.path() / "gatewayd.toml", "[limits]\nmessage_bytes = 1.5\n");
  CHECK_THAT(refusal({data_dir}, env), Catch::Contains("limits.message_bytes in") &&
                                           Catch::Contains("line 2") &&
                                           Catch::Contains("not a fractional number"));
  write(dir.path() / "gatewayd.toml", "[limits]\nmessage_bytes = 99\n");
  CHECK_THAT(refusal({data_dir}, env),
             Catch::StartsWith("invalid value '99' for limits.message_bytes in"));
  write(dir.path() / "gatewayd.toml", "name = \"top level\"\n");
  CHECK_THAT(refusal({data_dir}, env), Catch::Contains("is not a [section]"));
  write(dir.path() / "gatewayd.toml", "[gateway\n");
  CHECK_THAT(refusal({data_dir}, env), Catch::Contains("gatewayd.toml line 1"));
  write(dir.path() / "gatewayd.toml", "[[history]]\nmessages = 5\n");
  CHECK_THAT(refusal({data_dir}, env), Catch::Contains("[[history]] in") &&
                                           Catch::Contains("line 1") &&
                                           Catch::Contains("needs filter"));
  write(dir.path() / "gatewayd.toml", "[[history]]\nfilter = \"a/#/b\"\n");
  CHECK_THAT(refusal({data_dir}, env), Catch::Contains("#"));
  write(dir.path() / "gatewayd.toml", "[[history]]\nfilter = \"a\"\nmessages = 0\n");
  CHECK_THAT(refusal({data_dir}, env), Catch::Contains("messages must be a whole number from 1"));
  write(dir.path() / "gatewayd.toml", "[[history]]\nfilter = \"a\"\nkeep = 1\n");
  CHECK_THAT(refusal({data_dir}, env), Catch::Contains("unknown field keep"));
}

TEST_CASE("the rendered config file reads back as the same configuration", "[config]") {
  gw::test::TemporaryDirectory dir;
  Config original;
  original.name = "kitchen \"hub\"";
  original.ttl = std::chrono::seconds(0);
  original.tcp_port = std::nullopt;
  original.limits.write_queue_bytes = 4096;
  original.log_format = gw::gateway::LogFormat::json;
  original.history = {{"home/#", 50, std::chrono::seconds(60)}, {"alarm", 10}};
  write(dir.path() / "gatewayd.toml", gw::gateway::render_config_file(original));
  const auto loaded =
      load_config(std::vector{FlagValue{"data-dir", dir.path().string()}}, environment());
  CHECK(loaded.name == original.name);
  CHECK(loaded.ttl == original.ttl);
  CHECK_FALSE(loaded.tcp_port.has_value());
  CHECK(loaded.limits.write_queue_bytes == 4096);
  CHECK(loaded.log_format == gw::gateway::LogFormat::json);
  REQUIRE(loaded.history.size() == 2);
  CHECK(loaded.history[0].filter == "home/#");
  CHECK(loaded.history[0].messages == 50);
  CHECK(loaded.history[0].seconds == std::chrono::seconds(60));
  CHECK(loaded.history[1].seconds == std::chrono::seconds(3600));
  CHECK(gw::gateway::render_config_file(loaded) == gw::gateway::render_config_file(original));
}

TEST_CASE("every option has a flag, an environment variable and help", "[config]") {
  for (const auto& option : gw::gateway::config_options()) {
    CHECK_FALSE(option.flag.empty());
    CHECK_FALSE(option.help.empty());
    CHECK(option.environment_variable().rfind("GW_", 0) == 0);
  }
}

TEST_CASE("[[mqtt]] tables are read whole, with defaults, and read back", "[config]") {
  gw::test::TemporaryDirectory dir;
  const std::vector<FlagValue> flags{{"data-dir", dir.path().string()}};
  write(dir.path() / "gatewayd.toml",
        "[[mqtt]]\nbroker = \"mqtt://192.0.2.1\"\nexport = [\"home/#\"]\n"
        "[[mqtt]]\nname = \"z2m\"\nbroker = \"mqtts://[2001:db8::5]:8884\"\nca_file = \"ca.pem\"\n"
        "username = \"gw\"\npassword_file = \"mqtt-password\"\ndevice = \"zigbee-bridge\"\n"
        "import = \"zigbee2mqtt/#\"\npayload = \"fernet\"\nqos = 1\nqueue = 50\nrate = 0\n");
  const auto config = load_config(flags, environment());
  REQUIRE(config.mqtt.size() == 2);
  const auto& plain = config.mqtt[0];
  CHECK(plain.name == "192.0.2.1:1883");
  CHECK(plain.host == "192.0.2.1");
  CHECK(plain.port == 1883);
  CHECK_FALSE(plain.tls);
  CHECK(plain.exports == std::vector<std::string>{"home/#"});
  CHECK(plain.imports.empty());
  CHECK(plain.payload == gw::gateway::MqttBridgeSpec::Payload::json);
  CHECK(plain.qos == 0);
  CHECK(plain.queue == 1000);
  const auto& secure = config.mqtt[1];
  CHECK(secure.host == "2001:db8::5");
  CHECK(secure.port == 8884);
  CHECK(secure.tls);
  CHECK(secure.imports == std::vector<std::string>{"zigbee2mqtt/#"});
  CHECK(secure.payload == gw::gateway::MqttBridgeSpec::Payload::fernet);
  CHECK(secure.qos == 1);
  CHECK(secure.queue == 50);
  CHECK(secure.rate == 0);

  // --print-config writes them back as they were read.
  write(dir.path() / "gatewayd.toml", gw::gateway::render_config_file(config));
  const auto again = load_config(flags, environment());
  CHECK(gw::gateway::render_config_file(again) == gw::gateway::render_config_file(config));
  REQUIRE(again.mqtt.size() == 2);
  CHECK(again.mqtt[1].password_file == "mqtt-password");
}

TEST_CASE("a wrong [[mqtt]] table is refused naming its line and what is wrong", "[config]") {
  gw::test::TemporaryDirectory dir;
  const std::vector<FlagValue> flags{{"data-dir", dir.path().string()}};
  const auto refused = [&](const std::string& table) {
    write(dir.path() / "gatewayd.toml", "\n[[mqtt]]\n" + table);
    return refusal(flags, environment());
  };
  CHECK_THAT(refused("export = [\"a\"]\n"), Catch::Contains("[[mqtt]] in") &&
                                                Catch::Contains("line 2") &&
                                                Catch::Contains("needs broker"));
  CHECK_THAT(refused("broker = \"tcp://h\"\nexport = [\"a\"]\n"),
             Catch::Contains("mqtt://HOST[:PORT] or mqtts://"));
  CHECK_THAT(refused("broker = \"mqtt://h:0\"\nexport = [\"a\"]\n"),
             Catch::Contains("port must be 1 to 65535"));
  CHECK_THAT(refused("broker = \"mqtt://h/x\"\nexport = [\"a\"]\n"),
             Catch::Contains("nothing after it"));
  CHECK_THAT(refused("broker = \"mqtt://h\"\n"), Catch::Contains("needs export or import"));
  CHECK_THAT(refused("broker = \"mqtt://h\"\nexport = [\"a/#/b\"]\n"),
             Catch::Contains("# must be the whole last level"));
  CHECK_THAT(refused("broker = \"mqtt://h\"\nexport = [\"a\"]\npayload = \"xml\"\n"),
             Catch::Contains("payload must be \"json\" or \"fernet\""));
  CHECK_THAT(refused("broker = \"mqtt://h\"\nexport = [\"a\"]\nqos = 2\n"),
             Catch::Contains("qos must be a whole number from 0 to 1"));
  CHECK_THAT(refused("broker = \"mqtt://h\"\nexport = [\"a\"]\npassword = \"x\"\n"),
             Catch::Contains("unknown field password"));
  CHECK_THAT(refused("broker = \"mqtt://h\"\nexport = [\"a\"]\npassword_file = \"p\"\n"),
             Catch::Contains("password_file needs a username"));
  CHECK_THAT(refused("broker = \"mqtt://h\"\nexport = [\"a\"]\nca_file = \"ca.pem\"\n"),
             Catch::Contains("ca_file is for an mqtts:// broker"));
  CHECK_THAT(refused("broker = \"mqtt://h\"\nexport = [\"a\"]\n[[mqtt]]\nbroker = \"mqtt://h\"\n"
                     "import = [\"b\"]\n"),
             Catch::Contains("a second bridge named 'h:1883'"));
}
