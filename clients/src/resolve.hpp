#pragma once

#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <gw/client/gateway_url.hpp>

namespace gw::client {

// Resolves the URL's host and connects the stream within the stream's own expiry.
// ClientError(unreachable) naming the URL and the reason.
boost::asio::awaitable<void> connect_stream(boost::beast::tcp_stream& stream,
                                            const GatewayUrl& url);

// A gateway's plain-text answer (such as a TLS port's refusal of plaintext), fit for an error
// message: its first 200 bytes without the final newline.
std::string gateway_words(std::string_view body);

}  // namespace gw::client
