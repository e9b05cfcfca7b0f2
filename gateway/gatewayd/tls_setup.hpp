#pragma once

#include <memory>
#include <string>

#include <gw/gateway/config.hpp>

namespace boost::asio::ssl {
class context;
}

namespace gw::gatewayd {

// The TLS the HTTP and WebSocket listeners serve, as configured, and a line for the banner.
struct TlsSetup {
  std::shared_ptr<boost::asio::ssl::context> context;  // none: plain HTTP
  std::string summary;                                 // the certificate, and its fingerprint
};

// Loads the configured certificate, or makes the self-signed one. Throws gateway::ConfigError
// naming the file and what is wrong with it.
TlsSetup set_up_tls(const gateway::Config& config);

// This machine's host name ("gw" if it has none).
std::string host_name();

}  // namespace gw::gatewayd
