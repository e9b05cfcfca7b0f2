// The layer under a WebSocket that lets one system call carry many messages: writes are
// reported done at once and leave together when the network thread's burst of work ends.
// Over a real loopback connection, with the burst driven by hand.
#include "coalescing_stream.hpp"

#include <chrono>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include "tls_stream.hpp"
#include "write_batch.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Stream = gw::transports::CoalescingStream<gw::transports::PlainStream>;
using gw::transports::WriteBatch;

// A loopback connection: `stream` on one end, `peer` (a plain socket) on the other.
struct Loopback {
  asio::io_context io;
  tcp::socket peer{io};
  Stream stream{connect()};

  gw::transports::PlainStream connect() {
    tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
    gw::transports::PlainStream client(io);
    client.socket().connect(acceptor.local_endpoint());
    acceptor.accept(peer);
    return client;
  }

  // Accepts `text` as Beast would write a message; counts its completion in `done`.
  void write(const std::string& text, int& done, boost::system::error_code& error) {
    // Accepted bytes are copied at once: `text` may go before the completion runs.
    stream.async_write_some(asio::buffer(text),
                            [&, size = text.size()](boost::system::error_code e, std::size_t n) {
                              CHECK(n == (e ? 0 : size));
                              error = e;
                              ++done;
                            });
  }

  // Runs handlers until `ready` or two seconds pass.
  template <typename Ready>
  bool run_until(Ready ready) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!ready() && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_for(std::chrono::milliseconds(10));
    }
    return ready();
  }

  std::string read_peer(std::size_t bytes) {
    std::string received(bytes, '\0');
    asio::read(peer, asio::buffer(received));
    return received;
  }
};

}  // namespace

TEST_CASE("writes in one burst are done at once and leave together when it ends",
          "[coalescing-stream]") {
  Loopback link;
  WriteBatch batch;
  int done = 0;
  boost::system::error_code error;
  {
    const WriteBatch::Scope scope(batch);
    link.write("one|", done, error);
    link.write("two|", done, error);
    link.write("three|", done, error);
    link.io.poll();  // the burst: the writes complete, nothing is sent yet
  }
  CHECK(done == 3);
  CHECK_FALSE(error);
  CHECK(link.stream.buffered() == 14);
  CHECK(link.peer.available() == 0);
  CHECK_FALSE(batch.empty());  // one flush for the connection, not one per write

  batch.flush_all();  // the burst ends
  bool flushed = false;
  link.stream.async_wait_flushed([&](boost::system::error_code e) {
    CHECK_FALSE(e);
    flushed = true;
  });
  REQUIRE(link.run_until([&] { return flushed; }));
  CHECK(link.stream.buffered() == 0);
  CHECK(link.read_peer(14) == "one|two|three|");
}

TEST_CASE("outside a network thread's burst a write goes at once", "[coalescing-stream]") {
  Loopback link;
  int done = 0;
  boost::system::error_code error;
  link.write("alone", done, error);
  bool flushed = false;
  link.stream.async_wait_flushed([&](boost::system::error_code) { flushed = true; });
  REQUIRE(link.run_until([&] { return flushed && done == 1; }));
  CHECK(link.read_peer(5) == "alone");
}

TEST_CASE("once writing fails every later write reports it and nothing is kept",
          "[coalescing-stream]") {
  Loopback link;
  // The peer resets the connection: linger 0 makes close send RST.
  link.peer.set_option(asio::socket_base::linger(true, 0));
  link.peer.close();
  int done = 0;
  boost::system::error_code error;
  const std::string chunk(64 * 1024, 'x');
  // The first writes may still reach the kernel's buffer; within a bounded number one fails.
  for (int attempt = 0; attempt < 200 && !error; ++attempt) {
    link.write(chunk, done, error);
    bool flushed = false;
    link.stream.async_wait_flushed([&](boost::system::error_code) { flushed = true; });
    REQUIRE(link.run_until([&] { return flushed; }));
  }
  REQUIRE(error);
  CHECK(link.stream.buffered() == 0);
  const auto failure = error;
  error.clear();
  const int before = done;
  link.write("after", done, error);
  REQUIRE(link.run_until([&] { return done == before + 1; }));
  CHECK(error == failure);
  CHECK(link.stream.buffered() == 0);
}
