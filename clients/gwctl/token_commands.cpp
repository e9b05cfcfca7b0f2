#include "token_commands.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include <gw/message/base64url.hpp>
#include <gw/message/key_file.hpp>
#include <gw/message/key_ring.hpp>

#include "key_options.hpp"
#include "standard_input.hpp"

namespace gw::gwctl {
namespace {

using message::UnixSeconds;

// Plaintexts and tokens on standard input; a gateway message is far smaller.
constexpr std::size_t max_input_size = 16 * 1024 * 1024;

int fail(const char* command, const message::Error& error) {
  std::cerr << "gwctl " << command << ": " << error.text << " [" << to_string(error.kind) << "]\n";
  return exit_failed;
}

int usage_error(const char* command, const std::string& text) {
  std::cerr << "gwctl " << command << ": " << text << "\nRun with --help for more information.\n";
  return exit_usage;
}

std::optional<std::array<std::uint8_t, 16>> parse_iv(const std::string& hex) {
  if (hex.size() != 32) return std::nullopt;
  std::array<std::uint8_t, 16> iv{};
  for (std::size_t i = 0; i < iv.size(); ++i) {
    const char* first = hex.data() + 2 * i;
    const auto [end, error] = std::from_chars(first, first + 2, iv[i], 16);
    if (error != std::errc{} || end != first + 2) return std::nullopt;
  }
  return iv;
}

std::optional<std::string> read_input(const char* command) {
  auto input = read_standard_input(max_input_size);
  if (!input) {
    std::cerr << "gwctl " << command << ": standard input is larger than " << max_input_size
              << " bytes\n";
  }
  return input;
}

}  // namespace

Command add_keygen_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("keygen", "Create a new Fernet key");
  auto out = std::make_shared<std::string>();
  cmd->add_option("--out", *out,
                  "write the key to this new file (mode 0600) instead of standard output; an "
                  "existing file is never overwritten");
  cmd->footer(
      "Examples:\n"
      "  gwctl keygen                      print a key\n"
      "  gwctl keygen --out gw.key         create a key file for gatewayd and clients");
  return {cmd, [out] {
            if (out->empty()) {
              std::cout << message::Fernet::generate().key() << '\n';
              return int(exit_ok);
            }
            auto key = message::KeyFile::create(*out);
            if (!key) return fail("keygen", key.error());
            std::cerr << "wrote a new key to " << *out << " (mode 0600)\n";
            return int(exit_ok);
          }};
}

Command add_encrypt_command(CLI::App& app) {
  struct Options {
    KeyOptions keys;
    UnixSeconds now = message::unix_now();  // --now replaces it
    std::string iv;
  };
  auto options = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("encrypt",
                                 "Read a plaintext on standard input and print its Fernet token");
  options->keys.add_to(*cmd);
  cmd->add_option("--now", options->now, "date the token at this Unix time (default: now)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--iv", options->iv,
                  "use this IV, 32 hex digits, instead of a random one (for reproducible tests "
                  "only: never reuse an IV)");
  cmd->footer(
      "The first key of a key file encrypts. The plaintext is taken byte for byte.\n"
      "Example:\n"
      "  printf '{\"cmd\":\"ping\"}' | gwctl encrypt --key-file gw.key");
  return {cmd, [options] {
            std::optional<std::array<std::uint8_t, 16>> iv;
            if (!options->iv.empty() && !(iv = parse_iv(options->iv))) {
              return usage_error("encrypt", "--iv must be 32 hexadecimal digits (16 bytes)");
            }
            if (!options->keys.given()) return usage_error("encrypt", KeyOptions::missing);
            auto keys = options->keys.load();
            if (!keys) return fail("encrypt", keys.error());
            const auto plaintext = read_input("encrypt");
            if (!plaintext) return int(exit_failed);
            const auto& key = keys->primary();
            std::cout << (iv ? key.encrypt(*plaintext, options->now, *iv)
                             : key.encrypt(*plaintext, options->now))
                      << '\n';
            return int(exit_ok);
          }};
}

Command add_decrypt_command(CLI::App& app) {
  struct Options {
    KeyOptions keys;
    std::int64_t ttl = 0;
    UnixSeconds now = message::unix_now();  // --now replaces it
  };
  auto options = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("decrypt",
                                 "Read a Fernet token on standard input and write its plaintext");
  options->keys.add_to(*cmd);
  cmd->add_option("--ttl", options->ttl,
                  "refuse tokens older than this many seconds, or dated more than 60 s ahead; "
                  "0 (the default) checks no time")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--now", options->now, "judge the token's age at this Unix time")
      ->check(CLI::NonNegativeNumber);
  cmd->footer(
      "Every key of a key file is tried. Whitespace around the token is ignored. On an invalid\n"
      "token the reason goes to standard error and the exit code is 1.\n"
      "Example:\n"
      "  gwctl decrypt --key-file gw.key --ttl 120 < token.txt");
  return {cmd, [options] {
            if (!options->keys.given()) return usage_error("decrypt", KeyOptions::missing);
            auto keys = options->keys.load();
            if (!keys) return fail("decrypt", keys.error());
            const auto token = read_input("decrypt");
            if (!token) return int(exit_failed);
            if (message::base64url::trim_ascii_whitespace(*token).empty()) {
              return usage_error("decrypt", "no token on standard input");
            }
            auto plaintext =
                keys->decrypt(*token, std::chrono::seconds{options->ttl}, options->now);
            if (!plaintext) return fail("decrypt", plaintext.error());
            std::cout.write(plaintext->data(), std::streamsize(plaintext->size()));
            std::cout.flush();
            return std::cout ? int(exit_ok) : int(exit_failed);
          }};
}

}  // namespace gw::gwctl
