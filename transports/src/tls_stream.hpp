#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace gw::transports {

// The two kinds of connection the HTTP and WebSocket sessions are built on. What differs
// between them is in the overloads below, chosen at compile time by the session templates.
using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

using StartHandler = boost::asio::any_completion_handler<void(boost::system::error_code)>;

// Makes the connection ready for HTTP. Plain TCP: nothing to do. TLS: the server side of the
// handshake, which starts from the bytes already in `received` (read while detecting TLS).
// The caller sets the timeout and keeps `stream` and `received` alive until `done` runs.
void async_start(PlainStream& stream, boost::beast::flat_buffer& received, StartHandler done);
void async_start(TlsStream& stream, boost::beast::flat_buffer& received, StartHandler done);

// Ends the connection after a response that closes it. Plain TCP: a half-close, so the
// client reads to the end. TLS: a close_notify first, within a second.
void async_finish(PlainStream& stream, StartHandler done);
void async_finish(TlsStream& stream, StartHandler done);

}  // namespace gw::transports
