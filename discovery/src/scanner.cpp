#include <memory>
#include <set>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

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

  void start_next();
  void finished(const std::optional<FoundGateway>& found);
};

// Connect, POST a probe, read the answer: one address.
class HostCheck : public std::enable_shared_from_this<HostCheck> {
 public:
  HostCheck(ScanRun& run, Cidr::Address address)
      : run_(run), stream_(run.io), endpoint_(address, run.options.port) {}

  void start() {
    started_ = Clock::now();
    stream_.expires_after(run_.options.connect_timeout);
    stream_.async_connect(endpoint_, [self = shared_from_this()](beast::error_code error) {
      self->on_connect(error);
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
    stream_.expires_after(run_.options.answer_timeout);
    http::async_write(stream_, request_,
                      [self = shared_from_this()](beast::error_code write_error, std::size_t) {
                        if (write_error) return self->done({});
                        self->read_answer();
                      });
  }

  void read_answer() {
    parser_.body_limit(max_answer_bytes);
    http::async_read(stream_, buffer_, parser_,
                     [self = shared_from_this()](beast::error_code error, std::size_t) {
                       self->on_answer(error);
                     });
  }

  void on_answer(beast::error_code error) {
    if (error) return done({});
    auto answer = run_.codec.decode(parser_.get().body());
    if (!answer || answer->id != id_ || answer->code.value_or(0) != 200) return done({});
    const std::chrono::duration<double, std::milli> rtt = Clock::now() - started_;
    done(FoundGateway::from_message(*answer, endpoint_.address().to_string(), rtt.count(), "scan"));
  }

  void done(const std::optional<FoundGateway>& found) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    run_.finished(found);
  }

  ScanRun& run_;
  beast::tcp_stream stream_;
  tcp::endpoint endpoint_;
  Clock::time_point started_;
  std::string id_;
  http::request<http::string_body> request_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
};

void ScanRun::start_next() {
  if (stopped || next >= addresses.size()) return;
  std::make_shared<HostCheck>(*this, addresses[next++])->start();
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
