// The layer under a WebSocket that lets one system call carry many messages: writes are
// reported done at once and leave together when the network thread's burst of work ends.
// Over a real loopback connection, with the burst driven by hand.
#include "coalescing_stream.hpp"

#include <chrono>
#include <string>
#include <thread>

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

  // Writes `text` as a frame of the stream's owner: accepted at once, or refused.
  bool write(const std::string& text) { return stream.write_frame({}, text); }

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

TEST_CASE("writes in one burst are accepted at once and leave together when it ends",
          "[coalescing-stream]") {
  Loopback link;
  WriteBatch batch;
  {
    const WriteBatch::Scope scope(batch);
    CHECK(link.write("one|"));
    CHECK(link.write("two|"));
    CHECK(link.write("three|"));
    link.io.poll();  // the burst: nothing is sent yet
  }
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
  CHECK(link.write("alone"));
  bool flushed = false;
  link.stream.async_wait_flushed([&](boost::system::error_code) { flushed = true; });
  REQUIRE(link.run_until([&] { return flushed; }));
  CHECK(link.read_peer(5) == "alone");
}

TEST_CASE("messages stop at stop_messages and over the bound; the owner's frames still go",
          "[coalescing-stream]") {
  using Accepted = Stream::Accepted;
  Loopback link;
  CHECK(link.stream.write_message("<", "first>", 16) == Accepted::yes);
  CHECK(link.stream.write_message("<", "too long>", 16) == Accepted::over_limit);
  link.stream.stop_messages();
  CHECK(link.stream.write_message("<", "late>", 16) == Accepted::refused);
  CHECK(link.write("close"));  // the close frame follows what was sent before
  bool flushed = false;
  link.stream.async_wait_flushed([&](boost::system::error_code) { flushed = true; });
  REQUIRE(link.run_until([&] { return flushed; }));
  CHECK(link.read_peer(12) == "<first>close");
}

TEST_CASE("once writing fails every later write is refused and nothing is kept",
          "[coalescing-stream]") {
  Loopback link;
  // The peer resets the connection: linger 0 makes close send RST.
  link.peer.set_option(asio::socket_base::linger(true, 0));
  link.peer.close();
  const std::string chunk(64 * 1024, 'x');
  // The first writes may still reach the kernel's buffer; within a bounded number one fails.
  bool failed = false;
  boost::system::error_code error;
  for (int attempt = 0; attempt < 200 && !failed; ++attempt) {
    failed = !link.write(chunk);
    bool flushed = false;
    link.stream.async_wait_flushed([&](boost::system::error_code e) {
      error = e;
      flushed = true;
    });
    REQUIRE(link.run_until([&] { return flushed; }));
    failed = failed || error;
  }
  REQUIRE(error);
  CHECK(link.stream.buffered() == 0);
  CHECK_FALSE(link.write("after"));
  CHECK(link.stream.write_message("", "after", 1024) == Stream::Accepted::refused);
  CHECK(link.stream.buffered() == 0);
}

TEST_CASE("a burst larger than the socket takes at once goes in part, and the rest as it drains",
          "[coalescing-stream]") {
  Loopback link;
  std::string burst(8 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < burst.size(); ++i)
    burst[i] = static_cast<char>('a' + i % 23);
  CHECK(link.write(burst));
  link.io.poll();  // the first part is written at once; the kernel takes no more until read
  CHECK(link.stream.buffered() == burst.size());  // the rest waits, and so does the whole
  bool flushed = false;
  link.stream.async_wait_flushed([&](boost::system::error_code e) {
    CHECK_FALSE(e);
    flushed = true;
  });
  std::string received;
  std::thread reader([&] { received = link.read_peer(burst.size()); });
  const bool done = link.run_until([&] { return flushed; });
  reader.join();
  REQUIRE(done);
  CHECK(received == burst);
  CHECK(link.stream.buffered() == 0);
}
