#include <string>

#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>

#include <gw/transports/tls_context.hpp>

namespace gw::transports {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> make_server_tls_context(
    const std::filesystem::path& certificate_chain, const std::filesystem::path& private_key) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  boost::system::error_code error;
  context->use_certificate_chain_file(certificate_chain.string(), error);
  if (error)
    throw TlsError("TLS certificate " + certificate_chain.string() + ": " + error.message());
  context->use_private_key_file(private_key.string(), ssl::context::pem, error);
  if (error)
    throw TlsError("TLS private key " + private_key.string() + ": " + error.message() +
                   " (is it the key of " + certificate_chain.string() + "?)");
  return context;
}

}  // namespace gw::transports
