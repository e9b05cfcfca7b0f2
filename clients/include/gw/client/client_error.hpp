#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace gw::client {

// Why the client could not do what was asked: the kinds a program acts on differently.
enum class ErrorKind {
  bad_url,      // the URL cannot be used (unknown scheme, no host, bad port)
  unreachable,  // no connection, or no answer at all to the handshake
  timeout,      // connected, but a reply did not come in time
  wrong_key,    // the gateway's answers do not decrypt with our key, or it refused ours
  closed,       // the connection ended (or close() was called) while waiting
  refused,      // the gateway answered the handshake with an error
  untrusted,    // https or wss: the gateway's certificate is not trusted, or the CA file is bad
};

std::string_view to_string(ErrorKind kind) noexcept;

class ClientError : public std::runtime_error {
 public:
  ClientError(ErrorKind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace gw::client
