#include "loopback_listener.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <gw/transports/listeners.hpp>
#include <gw/transports/network_thread.hpp>

namespace gw::fuzz {

namespace {

using transports::TransportKind;

class EchoHandler final : public transports::Handler {
 public:
  void on_open(const std::shared_ptr<transports::Session>&) override {}
  void on_frame(const std::shared_ptr<transports::Session>& session,
                std::string_view frame) override {
    session->admitted();
    session->reply(std::make_shared<const std::string>(frame), 200);
  }
  void on_too_large(const std::shared_ptr<transports::Session>& session) override {
    session->reply(std::make_shared<const std::string>("too large"), 413);
  }
  void on_close(const transports::Session&, Ending) override {}
  transports::HttpPage page(std::string_view target) override {
    return {target == "/healthz" ? 200 : 404, "text/plain; charset=utf-8", "page\n"};
  }
};

[[noreturn]] void fail(const char* what) {
  std::perror(what);
  std::abort();
}

}  // namespace

LoopbackListener& LoopbackListener::of(TransportKind kind) {
  static LoopbackListener listener(kind);
  return listener;
}

LoopbackListener::LoopbackListener(TransportKind kind) {
  // Leaked on purpose: the listener serves until the process ends.
  auto* io = new boost::asio::io_context(2);
  auto* handler = new EchoHandler;
  auto* stats = new transports::TransportStatsBoard;
  transports::Limits limits;
  limits.message_bytes = 4096;  // small limits, so that inputs reach them
  limits.http_header_bytes = 1024;
  limits.header_timeout = std::chrono::seconds(2);
  limits.admission_timeout = std::chrono::seconds(2);
  limits.max_connections_per_address = 1024;
  const transports::TransportContext context{*io, *handler, *stats, limits, "127.0.0.1", nullptr};
  std::shared_ptr<transports::Transport> transport;
  switch (kind) {
    case TransportKind::http:
      transport = transports::make_http_transport(context, 0);
      break;
    case TransportKind::websocket:
      transport = transports::make_websocket_transport(context, 0);
      break;
    default:
      transport = transports::make_tcp_transport(context, 0);
      break;
  }
  transport->start();
  port_ = transport->port();
  new std::shared_ptr<transports::Transport>(std::move(transport));
  auto* guard = new auto(boost::asio::make_work_guard(*io));
  (void)guard;
  for (int i = 0; i < 2; ++i)
    std::thread([io] { transports::run_network_thread(*io); }).detach();
}

void LoopbackListener::exchange(std::string_view prefix, std::span<const std::uint8_t> input) {
  // libFuzzer's timer (SIGALRM, once a second) interrupts blocking calls: a connect cut short
  // cannot be resumed, so the connection is made again; sends and reads go on where they were.
  for (;;) {
    if (try_exchange(prefix, input)) return;
  }
}

bool LoopbackListener::try_exchange(std::string_view prefix, std::span<const std::uint8_t> input) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) fail("socket");
  // A reset at the end, not TIME_WAIT: thousands of inputs a second would use up the ports.
  const linger reset{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  const timeval wait{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port_);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    if (errno != EINTR) fail("connect");
    ::close(fd);
    return false;
  }
  const auto send_all = [fd](const void* data, std::size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
      const auto sent = ::send(fd, bytes, size, MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR) continue;
      if (sent <= 0) return;  // the listener closed first: fine
      bytes += sent;
      size -= static_cast<std::size_t>(sent);
    }
  };
  send_all(prefix.data(), prefix.size());
  send_all(input.data(), input.size());
  ::shutdown(fd, SHUT_WR);
  char buffer[4096];
  for (;;) {
    const auto got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) fail("the listener kept the connection open");
      break;  // reset by the listener
    }
  }
  ::close(fd);
  return true;
}

}  // namespace gw::fuzz
