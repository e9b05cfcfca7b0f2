#include "gateway_process.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <signal.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gw/message/key_file.hpp>

namespace gw::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

GatewayProcess::GatewayProcess(const std::string& config) {
  char pattern[] = "/tmp/gw-client-test-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  data_dir_ = pattern;
  if (!config.empty()) std::ofstream(data_dir_ / "gatewayd.toml") << config;
}

void GatewayProcess::write_devices(const std::string& text) const {
  const auto path = data_dir_ / "devices.toml";
  std::ofstream(path) << text;
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
}

GatewayProcess::~GatewayProcess() {
  stop();
  std::error_code ignored;
  fs::remove_all(data_dir_, ignored);
}

void GatewayProcess::start() {
  const auto ready_file = data_dir_ / "ready.json";
  fs::remove(ready_file);
  const auto port_of = [&](const char* transport) {
    return ready_.is_null() ? std::string("0") : std::to_string(port(transport));
  };
  std::vector<std::string> args = {
      GW_GATEWAYD,    "--data-dir",       data_dir_.string(), "--bind",      "127.0.0.1",
      "--http-port",  port_of("http"),    "--ws-port",        port_of("ws"), "--udp-port",
      port_of("udp"), "--tcp-port",       port_of("tcp"),     "--name",      "test-gateway",
      "--ready-file", ready_file.string()};
  // posix_spawn, not fork: the test's client threads are running, and a forked child of a
  // threaded process may only call async-signal-safe functions before exec.
  const auto log = (data_dir_ / "gatewayd.log").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int failed = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (failed != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start " + args[0] + ": " + std::strerror(failed));
  }
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!fs::exists(ready_file)) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      // The data directory goes with the test: what the log says goes into the failure.
      std::ifstream log_file(data_dir_ / "gatewayd.log");
      std::string text((std::istreambuf_iterator<char>(log_file)), {});
      if (text.size() > 2000) text = "..." + text.substr(text.size() - 2000);
      throw std::runtime_error("gatewayd exited at start (status " + std::to_string(status) +
                               "); its log ends:\n" + text);
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("gatewayd not ready in 10 s");
    std::this_thread::sleep_for(20ms);
  }
  std::ifstream in(ready_file);
  ready_ = nlohmann::json::parse(in);
}

void GatewayProcess::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  pid_ = -1;
}

std::string GatewayProcess::url(const std::string& scheme) const {
  return scheme + "://127.0.0.1:" + std::to_string(port(scheme)) + (scheme == "ws" ? "/ws" : "");
}

message::KeyRing GatewayProcess::keys() const {
  auto keys = message::KeyFile::load(key_file());
  if (!keys) throw std::runtime_error(keys.error().text);
  return std::move(*keys);
}

}  // namespace gw::test
