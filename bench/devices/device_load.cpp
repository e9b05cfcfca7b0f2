// What a key per device costs a running gatewayd: UDP requests from devices of its devices
// file, W in flight, for S seconds or N requests at most, each reply checked (decrypted under
// the device's key, code 200). The devices used are the last three of the file, the worst case
// for a key that must be searched for.
//   device_load --write N FILE           writes a devices file of N devices, fresh keys
//   device_load --devices FILE --port P --shared-key-file F [--seconds S] [--in-flight W]
// Each measure, one after the other:
//   request, hinted          session-less pings from one device: after the first, its key is
//                            the one its host was last heard with, tried first
//   request, searched        session-less pings from the three devices in turn: the gateway
//                            keeps two devices per host, so each one's key is searched for
//                            among all of them, as for a device it has not heard from
//   request, shared key      session-less pings under the shared key (tried before any search)
//   handshake, new session   handshakes from the three devices in turn, searched likewise;
//                            last, since the sessions they open would weigh on the others
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <CLI/CLI.hpp>

#include <gw/gateway/device_file.hpp>
#include <gw/message/codec.hpp>
#include <gw/message/key_file.hpp>
#include <gw/message/private_file.hpp>

namespace {

using Clock = std::chrono::steady_clock;
using gw::message::Codec;
using gw::message::Fernet;
using gw::message::Message;

constexpr std::size_t max_requests = 400000;  // a bound on every measure, whatever S is

// One UDP socket with W requests in flight: a reply frees a slot for the next token.
class UdpWindow {
 public:
  explicit UdpWindow(unsigned short port) : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0)
      throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
    const timeval wait{1, 0};  // a datagram lost on loopback must not stall the run
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  }
  ~UdpWindow() { ::close(fd_); }

  void send(const std::string& token) { (void)::send(fd_, token.data(), token.size(), 0); }
  // The next reply, or empty after a second of silence.
  std::string receive() {
    const auto got = ::recv(fd_, buffer_.data(), buffer_.size(), 0);
    return got > 0 ? std::string(buffer_.data(), static_cast<std::size_t>(got)) : std::string();
  }

 private:
  int fd_;
  std::array<char, 65536> buffer_{};
};

struct Sender {
  const Fernet* key;
  std::string name;
};

// Requests per second of `cmd` from `senders` in turn, W in flight; every reply decrypted.
double measure(const Codec& codec, unsigned short port, const std::vector<Sender>& senders,
               const char* cmd, double seconds, unsigned in_flight) {
  // Made beforehand, so that the load's core goes to the network: each token is used once.
  const auto count =
      std::min<std::size_t>(max_requests, static_cast<std::size_t>(seconds * 60000.0) + in_flight);
  std::vector<std::string> tokens;
  tokens.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    Message request;
    request.cmd = cmd;
    request.id = std::to_string(i);
    request.user_id = "device_load";
    tokens.push_back(*codec.encode(request, *senders[i % senders.size()].key));
  }
  UdpWindow window(port);
  std::size_t sent = 0, answered = 0, lost = 0;
  for (; sent < in_flight && sent < tokens.size(); ++sent)
    window.send(tokens[sent]);
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  while (answered + lost < sent) {
    const auto reply = window.receive();
    if (reply.empty()) {
      ++lost;
    } else {
      ++answered;
      // Whose key the reply is under: the sender's (ids say which).
      bool read = false;
      for (const auto& sender : senders) {
        const auto parsed = codec.parse(reply);
        if (!parsed) break;
        const auto opened = codec.open(*parsed, *sender.key, gw::message::unix_now());
        if (!opened) continue;
        if (opened->message.code != 200)
          throw std::runtime_error(std::string(cmd) + " answered " +
                                   std::to_string(opened->message.code.value_or(0)) + ": " +
                                   opened->message.text);
        read = true;
        break;
      }
      if (!read) throw std::runtime_error(std::string("a reply to ") + cmd + " did not decrypt");
    }
    if (Clock::now() < deadline && sent < tokens.size()) window.send(tokens[sent++]);
  }
  const std::chrono::duration<double> elapsed = Clock::now() - start;
  if (lost > answered / 100)
    throw std::runtime_error(std::to_string(lost) + " of " + std::to_string(sent) + " " + cmd +
                             " requests got no answer");
  return static_cast<double>(answered) / elapsed.count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"device_load: UDP requests from devices with keys of their own"};
  std::size_t write_count = 0;
  std::string devices_file, shared_key_file;
  unsigned short port = 0;
  double seconds = 2;
  unsigned in_flight = 16;
  auto* write = app.add_option("--write", write_count, "write a devices file of N devices")
                    ->check(CLI::Range(1, 100000));
  app.add_option("file", devices_file, "the devices file (to write, or with --devices)");
  app.add_option("--devices", devices_file, "the gateway's devices file")->excludes(write);
  app.add_option("--port", port, "the gateway's UDP port");
  app.add_option("--shared-key-file", shared_key_file, "the gateway's key file");
  app.add_option("--seconds", seconds, "each measure's time")->check(CLI::Range(0.01, 60.0));
  app.add_option("--in-flight", in_flight, "requests awaiting their reply")
      ->check(CLI::Range(1, 256));
  CLI11_PARSE(app, argc, argv);

  try {
    if (write_count > 0) {
      std::string text;
      for (std::size_t i = 0; i < write_count; ++i) {
        gw::gateway::Device device("device-" + std::to_string(i), Fernet::generate());
        device.permissions.commands = {"*"};
        text += gw::gateway::DeviceFile::entry(device) + "\n";
      }
      if (auto error = gw::message::PrivateFile::replace(devices_file, text, "devices file"))
        throw std::runtime_error(error->text);
      return 0;
    }
    auto shared = gw::message::KeyFile::load(shared_key_file,
                                             gw::message::KeyFile::Permissions::allow_insecure);
    if (!shared) throw std::runtime_error(shared.error().text);
    const auto devices = gw::gateway::DeviceFile::load(devices_file, false);
    if (devices.empty()) throw std::runtime_error("no devices in " + devices_file);
    const Codec codec(std::move(*shared), {std::chrono::seconds(0), 64 * 1024});
    std::vector<Sender> last_three;
    for (std::size_t i = devices.size() < 3 ? 0 : devices.size() - 3; i < devices.size(); ++i)
      last_three.push_back({&devices[i].key, devices[i].name});
    const std::vector<Sender> last{last_three.back()};
    const std::vector<Sender> shared_key{{&codec.keys().primary(), "(shared key)"}};

    const auto report = [&](const char* what, double rate) {
      std::printf("  %-28s %9.0f requests/s  %8.2f us each\n", what, rate, 1e6 / rate);
    };
    std::printf("%zu devices, UDP, %u in flight, %.1f s each\n", devices.size(), in_flight,
                seconds);
    report("request, hinted", measure(codec, port, last, "ping", seconds, in_flight));
    // A device it has not heard from, or a host with more devices than it keeps hints for.
    report("request, searched", measure(codec, port, last_three, "ping", seconds, in_flight));
    report("request, shared key", measure(codec, port, shared_key, "ping", seconds, in_flight));
    // Last: the sessions it opens (tens of thousands) would weigh on what is measured after.
    report("handshake, new session",
           measure(codec, port, last_three, "handshake", seconds, in_flight));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "device_load: %s\n", error.what());
    return 1;
  }
  return 0;
}
