// Prints COUNT distinct tokens of one command, one per line, for load generators that cannot
// encrypt (wrk's Lua): the gateway acts on each token once, so a load sends each once.
//   token_list --key-file F --count N [--cmd ping]
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include <gw/message/codec.hpp>
#include <gw/message/key_file.hpp>

int main(int argc, char** argv) {
  CLI::App app("Prints distinct tokens, one per line");
  std::string key_file, cmd = "ping";
  std::size_t count = 0;
  app.add_option("--key-file", key_file, "The gateway's key file")->required();
  app.add_option("--count", count, "How many tokens")->required()->check(CLI::Range(1, 50'000'000));
  app.add_option("--cmd", cmd, "The command each token carries");
  CLI11_PARSE(app, argc, argv);

  auto keys =
      gw::message::KeyFile::load(key_file, gw::message::KeyFile::Permissions::allow_insecure);
  if (!keys) {
    std::fprintf(stderr, "token_list: %s\n", keys.error().text.c_str());
    return 1;
  }
  const gw::message::Codec codec(std::move(*keys));
  gw::message::Message message;
  message.user_id = "token_list";
  message.cmd = cmd;
  for (std::size_t i = 0; i < count; ++i) {
    message.id = std::to_string(i);
    const auto token = codec.encode(message);
    if (!token) {
      std::fprintf(stderr, "token_list: %s\n", token.error().text.c_str());
      return 1;
    }
    std::fwrite(token->data(), 1, token->size(), stdout);
    std::fputc('\n', stdout);
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}
