#include <memory>
#include <set>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <gw/discovery/scanner.hpp>
#include <gw/message/codec.hpp>
#include <gw/message/discovery.hpp>

#include "request_support.hpp"

namespace gw::discovery {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// A gateway's answer is a few hundred bytes; a larger body is not a gateway's.
constexpr std::size_t max_answer_bytes = 16 * 1024;
// How a gateway whose HTTP port speaks only TLS answers plaintext (see docs/protocol.md).
constexpr std::string_view tls_only_answer = "this port speaks TLS only";

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// The state shared by every check of one scan: addresses still to try, counts, callbacks.
struct ScanRun {
  ScanRun(asio::io_context& context, const ScanOptions& scan_options, message::Codec answer_codec,
          const OnFound& found, const std::function<void(const ScanProgress&)>& progressed,
          std::vector<Cidr::Address> to_try)
      : io(context),
        options(scan_options),
        codec(std::move(answer_codec)),
        on_found(found),
        on_progress(progressed),
        addresses(std::move(to_try)) {
    progress.total = addresses.size();
  }

  asio::io_context& io;
  const ScanOptions& options;
  message::Codec codec;
  const OnFound& on_found;
  const std::function<void(const ScanProgress&)>& on_progress;
  std::vector<Cidr::Address> addresses;
  std::size_t next = 0;
  ScanProgress progress;
  std::set<std::string> seen_ids;
  bool stopped = false;
  // For gateways with TLS. Their certificates are not checked: an answer counts only if it
  // decrypts with our key and carries our probe's id, which is what proves it a gateway of ours.
  asio::ssl::context tls{asio::ssl::context::tls_client};

  void start_next();
  void finished(const std::optional<FoundGateway>& found);
};

template <class Stream>
Stream new_stream(ScanRun& run);
template <>
PlainStream new_stream<PlainStream>(ScanRun& run) {
  return PlainStream(run.io);
}
template <>
TlsStream new_stream<TlsStream>(ScanRun& run) {
  return TlsStream(run.io, run.tls);
}

// Once connected: nothing more for plain TCP; the TLS handshake.
template <class Handler>
void async_secure(PlainStream& stream, Handler&& handler) {
  asio::post(stream.get_executor(), [handler = std::forward<Handler>(handler)]() mutable {
    handler(beast::error_code{});
  });
}
template <class Handler>
void async_secure(TlsStream& stream, Handler&& handler) {
  stream.async_handshake(asio::ssl::stream_base::client, std::forward<Handler>(handler));
}

// Connect, POST a probe, read the answer: one address, over plain TCP, or over TLS when the
// plain probe was told the port speaks only TLS.
template <class Stream>
class HostCheck : public std::enable_shared_from_this<HostCheck<Stream>> {
 public:
  HostCheck(ScanRun& run, Cidr::Address address)
      : run_(run), stream_(new_stream<Stream>(run)), endpoint_(address, run.options.port) {}

  void start() {
    started_ = Clock::now();
    auto& tcp = beast::get_lowest_layer(stream_);
    tcp.expires_after(run_.options.connect_timeout);
    tcp.async_connect(endpoint_, [self = this->shared_from_this()](beast::error_code error) {
      if (error) return self->done({});
      beast::get_lowest_layer(self->stream_).expires_after(self->run_.options.answer_timeout);
      async_secure(self->stream_,
                   [self](beast::error_code secure_error) { self->on_connect(secure_error); });
    });
  }

 private:
  void on_connect(beast::error_code error) {
    if (error) return done({});
    message::Message probe;
    probe.cmd = "handshake";
    probe.args = std::string(message::probe_args);
    complete_request(probe, run_.options.user);
    id_ = probe.id;
    auto token = run_.codec.encode(probe);
    if (!token) return done({});
    request_ = {http::verb::post, "/message", 11};
    request_.set(http::field::host,
                 endpoint_.address().to_string() + ":" + std::to_string(endpoint_.port()));
    request_.set(http::field::user_agent, "gw-discovery");
    request_.set(http::field::content_type, "text/plain");
    request_.set(http::field::connection, "close");
    request_.body() = std::move(*token);
    request_.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(run_.options.answer_timeout);
    http::async_write(
        stream_, request_,
        [self = this->shared_from_this()](beast::error_code write_error, std::size_t) {
          if (write_error) return self->done({});
          self->read_answer();
        });
  }

  void read_answer() {
    parser_.body_limit(max_answer_bytes);
    http::async_read(stream_, buffer_, parser_,
                     [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                       self->on_answer(error);
                     });
  }

  void on_answer(beast::error_code error) {
    if (error) return done({});
    if (parser_.get().result() == http::status::bad_request &&
        parser_.get().body().starts_with(tls_only_answer))
      return again_over_tls();
    auto answer = run_.codec.decode(parser_.get().body());
    if (!answer || answer->id != id_ || answer->code.value_or(0) != 200) return done({});
    const std::chrono::duration<double, std::milli> rtt = Clock::now() - started_;
    done(FoundGateway::from_message(*answer, endpoint_.address().to_string(), rtt.count(), "scan"));
  }

  void again_over_tls();

  void close() {
    beast::error_code ignored;
    auto& tcp = beast::get_lowest_layer(stream_);
    tcp.socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp.close();
  }

  void done(const std::optional<FoundGateway>& found) {
    close();
    run_.finished(found);
  }

  ScanRun& run_;
  Stream stream_;
  tcp::endpoint endpoint_;
  Clock::time_point started_;
  std::string id_;
  http::request<http::string_body> request_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
};

// The same address again, over TLS: this check hands its place in the scan to that one.
template <>
void HostCheck<PlainStream>::again_over_tls() {
  close();
  std::make_shared<HostCheck<TlsStream>>(run_, endpoint_.address().to_v4())->start();
}

// Told over TLS to use TLS: not a gateway.
template <>
void HostCheck<TlsStream>::again_over_tls() {
  done({});
}

void ScanRun::start_next() {
  if (stopped || next >= addresses.size()) return;
  std::make_shared<HostCheck<PlainStream>>(*this, addresses[next++])->start();
}

void ScanRun::finished(const std::optional<FoundGateway>& found) {
  ++progress.done;
  if (found && seen_ids.insert(found->id).second) {
    ++progress.found;
    if (!on_found(*found)) {
      stopped = true;
      io.stop();
    }
  }
  if (on_progress) on_progress(progress);
  start_next();
}

std::vector<Cidr::Address> addresses_of(const ScanOptions& options) {
  std::vector<Cidr::Address> addresses;
  std::set<Cidr::Address> included;
  for (const auto& network : options.networks) {
    if (!options.allow_large && network.prefix() < largest_scan_without_allow)
      throw NetworkTooLarge(network.to_string() + " has " + std::to_string(network.size()) +
                            " addresses; networks larger than a /" +
                            std::to_string(largest_scan_without_allow) +
                            " (1024 addresses) are scanned only when large scans are allowed");
    for (const auto& address : network.hosts())
      if (included.insert(address).second) addresses.push_back(address);
  }
  return addresses;
}

}  // namespace

ScanProgress scan(const message::KeyRing& keys, const ScanOptions& options, const OnFound& on_found,
                  const std::function<void(const ScanProgress&)>& on_progress) {
  if (options.in_flight == 0)
    throw std::invalid_argument("at least one connection must be allowed in flight");
  asio::io_context io;
  ScanRun run(io, options, answer_codec(keys), on_found, on_progress, addresses_of(options));
  for (std::size_t i = 0; i < options.in_flight; ++i)
    run.start_next();
  io.run();
  return run.progress;
}

}  // namespace gw::discovery
