#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <gw/client/gateway_url.hpp>

namespace gw::client {

// Resolves the URL's host and connects the stream within the stream's own expiry.
// ClientError(unreachable) naming the URL and the reason.
boost::asio::awaitable<void> connect_stream(boost::beast::tcp_stream& stream,
                                            const GatewayUrl& url);

}  // namespace gw::client
