#include "gateway_options.hpp"

#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <gw/message/private_file.hpp>

#include "command.hpp"
#include "discovery_options.hpp"

namespace gw::gwctl {

void GatewayOptions::add_to(CLI::App& command) {
  keys.add_to(command);
  command
      .add_option("--url", url,
                  "the gateway: ws://HOST[:PORT], http://..., udp://..., tcp://..., and over TLS "
                  "wss://... or https://... (default " +
                      std::string(default_url) + ")")
      ->envname("GW_URL");
  command
      .add_option("--ca-file", ca_file,
                  "for wss:// and https://: trust this certificate (PEM), such as the gateway's "
                  "self-signed tls-certificate.pem, instead of the system's authorities")
      ->envname("GW_CA_FILE")
      ->check(CLI::ExistingFile);
  command.add_option("--name", name, "the name to ask for in the handshake (default gwctl)");
  command.add_option("--timeout", timeout, "seconds to wait for the gateway (default 5)")
      ->check(CLI::PositiveNumber);
  command.add_flag("--json", json, "machine-readable output: one JSON object per line");
  command
      .add_option("--admin-key-file", admin_key_file,
                  "ask for admin permission first, with the admin key in this file (the "
                  "gateway's [gateway] admin_key), for kick, backup, reload and shutdown")
      ->envname("GW_ADMIN_KEY_FILE")
      ->check(CLI::ExistingFile);
}

namespace {

// Admin permission for the session; false (and said why) when the gateway refuses it.
bool become_admin(const char* command, const std::string& file, client::Client& client) {
  const auto key = message::PrivateFile::first_line(file, "admin key file", false);
  if (!key) {
    std::cerr << "gwctl " << command << ": " << key.error().text << '\n';
    return false;
  }
  message::Message auth;
  auth.cmd = "auth";
  auth.args = *key;
  const auto reply = client.request(auth);
  if (reply.code.value_or(0) == 200) return true;
  std::cerr << "gwctl " << command << ": admin permission refused: " << reply.code.value_or(0)
            << ' ' << reply.text << '\n';
  return false;
}

}  // namespace

client::ClientOptions GatewayOptions::client_options() const {
  client::ClientOptions options;
  options.name = name;
  options.ca_file = ca_file;
  options.timeout = milliseconds_of(timeout);
  options.receive = false;  // only listen wants messages it did not ask for
  return options;
}

int with_client(const char* command, const GatewayOptions& options,
                const std::function<int(client::Client&)>& work,
                const std::function<void(client::ClientOptions&)>& adjust) {
  int exit_code = exit_ok;
  auto keys = options.keys.load_or_report(command, exit_code);
  if (!keys) return exit_code;
  auto client_options = options.client_options();
  if (adjust) adjust(client_options);
  try {
    auto client = client::Client::connect(options.url, std::move(*keys), client_options);
    if (!options.admin_key_file.empty() && !become_admin(command, options.admin_key_file, client))
      return exit_failed;
    return work(client);
  } catch (const client::ClientError& error) {
    std::cerr << "gwctl " << command << ": " << error.what() << '\n';
    if (error.kind() == client::ErrorKind::untrusted && options.ca_file.empty())
      std::cerr << "gwctl " << command
                << ": a gateway with its own certificate is trusted with --ca-file FILE "
                   "(its tls-certificate.pem)\n";
    switch (error.kind()) {
      case client::ErrorKind::bad_url:
        return exit_usage;
      case client::ErrorKind::unreachable:
      case client::ErrorKind::timeout:
      case client::ErrorKind::closed:
        return exit_unreachable;
      case client::ErrorKind::wrong_key:
      case client::ErrorKind::refused:
      case client::ErrorKind::untrusted:
        return exit_failed;
    }
    return exit_failed;
  }
}

int print_reply(const char* command, const message::Message& reply, bool json, bool show_data) {
  const bool ok = reply.code.value_or(0) == 200;
  if (json) {
    std::cout << reply.to_object().dump() << std::endl;
    return ok ? exit_ok : exit_failed;
  }
  if (!ok) {
    std::cerr << "gwctl " << command << ": " << reply.code.value_or(0) << " " << reply.text << '\n';
    return exit_failed;
  }
  std::cout << reply.text << '\n';
  if (show_data && !reply.data.empty()) std::cout << reply.data.parse().dump(2) << '\n';
  std::cout << std::flush;
  return exit_ok;
}

std::string joined(const std::vector<std::string>& words, std::size_t from) {
  std::string text;
  for (std::size_t i = from; i < words.size(); ++i)
    text += (text.empty() ? "" : " ") + words[i];
  return text;
}

bool colour_output() {
  const char* no_colour = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) == 1 && (no_colour == nullptr || *no_colour == '\0');
}

}  // namespace gw::gwctl
