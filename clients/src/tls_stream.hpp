#pragma once

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <gw/client/gateway_url.hpp>

namespace gw::client {

// The two kinds of connection the WebSocket link and the HTTP exchanger are built on; what
// differs between them is in the functions below, chosen at compile time.
using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// What https and wss connections trust: `ca_file` (PEM), or when empty the system's
// authorities. ClientError(untrusted) when the file cannot be used.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& ca_file);

// A new, unconnected stream. `tls` is used by TlsStream only.
template <class Stream>
Stream new_stream(boost::asio::io_context& io, boost::asio::ssl::context* tls);

// After the TCP connection is made: nothing for plain TCP; for TLS the handshake, checking the
// certificate against the URL's host. ClientError(untrusted) saying why it failed.
boost::asio::awaitable<void> secure(PlainStream& stream, const GatewayUrl& url);
boost::asio::awaitable<void> secure(TlsStream& stream, const GatewayUrl& url);

}  // namespace gw::client
