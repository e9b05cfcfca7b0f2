#include "tls_stream.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <gw/client/client_error.hpp>

namespace gw::client {

namespace asio = boost::asio;
namespace ssl = asio::ssl;

std::shared_ptr<ssl::context> make_tls_context(const std::string& ca_file) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  boost::system::error_code error;
  context->set_verify_mode(ssl::verify_peer, error);
  if (ca_file.empty())
    context->set_default_verify_paths(error);
  else
    context->load_verify_file(ca_file, error);
  if (error)
    throw ClientError(ErrorKind::untrusted,
                      "cannot trust " + (ca_file.empty() ? "the system's certificates" : ca_file) +
                          ": " + error.message());
  return context;
}

template <>
PlainStream new_stream<PlainStream>(asio::io_context& io, ssl::context*) {
  return PlainStream(io);
}

template <>
TlsStream new_stream<TlsStream>(asio::io_context& io, ssl::context* tls) {
  return TlsStream(io, *tls);
}

asio::awaitable<void> secure(PlainStream&, const GatewayUrl&) {
  co_return;
}

asio::awaitable<void> secure(TlsStream& stream, const GatewayUrl& url) {
  boost::system::error_code not_an_address;
  asio::ip::make_address(url.host, not_an_address);
  // Server Name Indication for names only: an address is not a name (RFC 6066).
  if (not_an_address) SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str());
  stream.set_verify_callback(ssl::host_name_verification(url.host));
  try {
    co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
  } catch (const boost::system::system_error& error) {
    const auto verified = SSL_get_verify_result(stream.native_handle());
    if (verified != X509_V_OK)
      throw ClientError(ErrorKind::untrusted,
                        "the certificate of " + url.to_string() +
                            " is not trusted: " + X509_verify_cert_error_string(verified));
    const auto why = error.code() == boost::beast::error::timeout ? std::string("timed out")
                                                                  : error.code().message();
    throw ClientError(ErrorKind::unreachable,
                      "TLS handshake with " + url.to_string() + " failed: " + why);
  }
}

}  // namespace gw::client
