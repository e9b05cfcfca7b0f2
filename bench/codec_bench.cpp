// Tokens per second on one core: this project's Fernet and Codec against Python's cryptography,
// encrypting and decrypting the same 228-byte Message JSON, in one run; and the JSON alone, the
// message reader and writer against the same JSON through nlohmann's tree (how the codec read and
// wrote messages before), with the codec's share of bare Fernet as ratios.
//   codec_bench [--seconds S] [--python PATH | --no-python]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <gw/message/codec.hpp>

#include "calls_per_second.hpp"
#include "one_core.hpp"

namespace {

using gw::bench::calls_per_second;
using gw::message::Codec;
using gw::message::Fernet;
using gw::message::KeyRing;
using gw::message::Message;

constexpr std::size_t message_size = 228;

// A chat message as a sensor or browser sends it, padded in its text to exactly 228 bytes.
Message sample_message() {
  Message m;
  m.user_id = "kitchen-sensor";
  m.timestamp = "2026-11-21T10:15:30+00:00";
  m.cmd = "publish";
  m.topic = "home/kitchen/temperature";
  m.id = "4f1c2a";
  m.data = gw::message::JsonText({{"celsius", 21.5}, {"humidity", 48}});
  const std::size_t bare = m.to_json()->size();
  m.text = std::string(message_size - bare, 't');
  return m;
}

void print_rate(const char* who, const char* what, double per_second) {
  std::printf("  %-24s %-8s %10.0f tokens/s  (%.3f us/token)\n", who, what, per_second,
              1e6 / per_second);
}

struct PythonFigures {
  std::string version;
  double encrypt = 0;
  double decrypt = 0;
};

// The same measurement in Python's cryptography, on the same core, in a child process.
std::unique_ptr<PythonFigures> measure_python(const std::string& python, const std::string& key,
                                              const std::string& plaintext, double seconds,
                                              int cpu) {
  char dir_template[] = "/tmp/gw-bench-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) return nullptr;
  const std::filesystem::path dir = dir_template;
  std::ofstream(dir / "plaintext", std::ios::binary) << plaintext;
  // "--key=" because a base64url key may begin with '-', which argparse takes for an option.
  const std::string command = python + " " + GW_PYTHON_FERNET_BENCH + " --plaintext-file " +
                              (dir / "plaintext").string() + " --key=" + key + " --seconds " +
                              std::to_string(seconds) + " --cpu " + std::to_string(cpu);
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    while (const std::size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) {
      output.append(buffer, got);
    }
    if (::pclose(pipe) != 0) output.clear();
  }
  std::filesystem::remove_all(dir);
  const auto json = nlohmann::json::parse(output, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return nullptr;
  return std::make_unique<PythonFigures>(
      PythonFigures{json.at("cryptography"), json.at("encrypt_per_s"), json.at("decrypt_per_s")});
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2.0;
  std::string python = "/usr/bin/python3";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (arg == "--python" && i + 1 < argc) {
      python = argv[++i];
    } else if (arg == "--no-python") {
      python.clear();
    } else {
      std::fprintf(stderr, "usage: codec_bench [--seconds S] [--python PATH | --no-python]\n");
      return 2;
    }
  }
  if (!(seconds > 0 && seconds <= 60)) {
    std::fprintf(stderr, "codec_bench: --seconds must be in (0, 60]\n");
    return 2;
  }

  // One core, the same one for both implementations.
  const int cpu = gw::bench::pin_to_one_core();

  const Fernet key = Fernet::generate();
  const KeyRing ring({key});
  const Codec codec(ring, {std::chrono::seconds{120}});
  const Message message = sample_message();
  const std::string plaintext = *message.to_json();
  const std::string token = ring.encrypt(plaintext);
  if (plaintext.size() != message_size ||
      *ring.decrypt(token, std::chrono::seconds{120}) != plaintext ||
      !codec.decode(*codec.encode(message))) {
    std::fprintf(stderr, "codec_bench: self-check failed\n");
    return 1;
  }

  std::printf(
      "Fernet tokens of a %zu-byte Message JSON (%zu-byte token), one core (cpu %d), "
      "%.2f s per figure\n",
      plaintext.size(), token.size(), cpu, seconds);
  const double encrypt = calls_per_second([&] { return ring.encrypt(plaintext).size(); }, seconds);
  const double decrypt = calls_per_second(
      [&] { return ring.decrypt(token, std::chrono::seconds{120})->size(); }, seconds);
  const double encode = calls_per_second([&] { return codec.encode(message)->size(); }, seconds);
  const double decode = calls_per_second([&] { return codec.decode(token)->text.size(); }, seconds);
  print_rate("gw Fernet", "encrypt", encrypt);
  print_rate("gw Fernet", "decrypt", decrypt);
  print_rate("gw Codec (with JSON)", "encode", encode);
  print_rate("gw Codec (with JSON)", "decode", decode);

  const double write = calls_per_second([&] { return message.to_json()->size(); }, seconds);
  const double read =
      calls_per_second([&] { return Message::from_json(plaintext)->text.size(); }, seconds);
  const auto tree = nlohmann::ordered_json::parse(plaintext);
  const double tree_write = calls_per_second([&] { return tree.dump().size(); }, seconds);
  const double tree_read =
      calls_per_second([&] { return nlohmann::ordered_json::parse(plaintext).size(); }, seconds);
  std::printf("JSON alone, the same message\n");
  print_rate("gw message writer", "write", write);
  print_rate("gw message reader", "read", read);
  print_rate("nlohmann tree", "dump", tree_write);
  print_rate("nlohmann tree", "parse", tree_read);
  std::printf("  ratio codec encode / Fernet encrypt: %.2f (target at least 0.5)\n",
              encode / encrypt);
  std::printf("  ratio codec decode / Fernet decrypt: %.2f (target at least 0.5)\n",
              decode / decrypt);
  std::printf("  ratio message reader / nlohmann parse: %.1fx, writer / dump: %.1fx\n",
              read / tree_read, write / tree_write);

  if (python.empty()) return 0;
  const auto theirs = measure_python(python, key.key(), plaintext, seconds, cpu);
  if (!theirs) {
    std::fprintf(stderr, "codec_bench: the Python measurement failed (%s with cryptography?)\n",
                 python.c_str());
    return 1;
  }
  print_rate("python cryptography", "encrypt", theirs->encrypt);
  print_rate("python cryptography", "decrypt", theirs->decrypt);
  std::printf("  cryptography %s; gw Fernet is %.1fx faster encrypting, %.1fx decrypting\n",
              theirs->version.c_str(), encrypt / theirs->encrypt, decrypt / theirs->decrypt);
  return 0;
}
