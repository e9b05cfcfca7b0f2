#pragma once

#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/system/error_code.hpp>

namespace gw::transports {

// The one place that decides which network errors are the ordinary end of a connection
// (the peer closed, reset, or we cancelled) rather than something worth a log line.
bool is_normal_end(const boost::system::error_code& error) noexcept;

// Logs an unexpected error at warning level and an ordinary end at debug level.
void log_end(std::string_view what, const std::string& peer,
             const boost::system::error_code& error);

std::string to_string(const boost::asio::ip::tcp::endpoint& endpoint);
std::string to_string(const boost::asio::ip::udp::endpoint& endpoint);

// The peer of a connected socket as "IP:PORT", or "unknown" if it has already gone.
std::string peer_address(const boost::asio::ip::tcp::socket& socket);

// A listener's address; throws std::system_error saying the text is not an IP address.
boost::asio::ip::address listen_address(const std::string& text);

}  // namespace gw::transports
