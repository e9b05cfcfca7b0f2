#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>

namespace boost::asio::ssl {
class context;
}

namespace gw::transports {

// A certificate or key that cannot be served; the text names the file and OpenSSL's reason.
class TlsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the HTTP and WebSocket listeners serve TLS with: TLS 1.2 or later, the certificate
// chain (PEM, the server's certificate first) and its private key (PEM). Throws TlsError when a
// file cannot be read or the key does not belong to the certificate.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(
    const std::filesystem::path& certificate_chain, const std::filesystem::path& private_key);

}  // namespace gw::transports
