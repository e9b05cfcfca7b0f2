#include <charconv>

#include <gw/client/client_error.hpp>
#include <gw/client/gateway_url.hpp>

namespace gw::client {

namespace {

[[noreturn]] void refuse(std::string_view text, const std::string& why) {
  throw ClientError(ErrorKind::bad_url, "bad gateway URL '" + std::string(text) + "': " + why);
}

Scheme scheme_of(std::string_view text, std::string_view name, bool& tls) {
  tls = name == "https" || name == "wss";
  if (name == "http" || name == "https") return Scheme::http;
  if (name == "ws" || name == "wss") return Scheme::ws;
  if (name == "udp") return Scheme::udp;
  if (name == "tcp") return Scheme::tcp;
  refuse(text, "unknown scheme '" + std::string(name) +
                   "'; use http://, ws://, udp://, tcp://, https:// or wss://");
}

}  // namespace

std::string_view to_string(Scheme scheme) noexcept {
  switch (scheme) {
    case Scheme::http:
      return "http";
    case Scheme::ws:
      return "ws";
    case Scheme::udp:
      return "udp";
    case Scheme::tcp:
      return "tcp";
  }
  return "ws";
}

std::string_view scheme_name(Scheme scheme, bool tls) noexcept {
  if (tls && scheme == Scheme::http) return "https";
  if (tls && scheme == Scheme::ws) return "wss";
  return to_string(scheme);
}

std::uint16_t default_port(Scheme scheme) noexcept {
  switch (scheme) {
    case Scheme::http:
      return 5000;
    case Scheme::ws:
      return 8000;
    case Scheme::udp:
      return 1234;
    case Scheme::tcp:
      return 5001;
  }
  return 8000;
}

GatewayUrl GatewayUrl::parse(std::string_view text) {
  GatewayUrl url;
  const auto separator = text.find("://");
  if (separator == std::string_view::npos)
    refuse(text, "no scheme; write it as ws://HOST:PORT (or http, udp, tcp)");
  url.scheme = scheme_of(text, text.substr(0, separator), url.tls);
  auto rest = text.substr(separator + 3);
  const auto path_start = rest.find('/');
  const auto authority = rest.substr(0, path_start);
  if (path_start != std::string_view::npos) url.path = std::string(rest.substr(path_start));
  if (url.scheme != Scheme::ws && !url.path.empty() && url.path != "/")
    refuse(text, "only ws:// URLs have a path");
  if (url.scheme == Scheme::ws && (url.path.empty() || url.path == "/")) url.path = "/ws";
  if (url.scheme != Scheme::ws) url.path.clear();

  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) refuse(text, "an IPv6 host needs its closing ']'");
    url.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') refuse(text, "expected ':PORT' after ']'");
    if (!after.empty()) port_text = after.substr(1);
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) refuse(text, "no host");
  url.port = default_port(url.scheme);
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (error != std::errc{} || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535)
      refuse(text, "the port must be a number from 1 to 65535");
    url.port = static_cast<std::uint16_t>(value);
  }
  return url;
}

std::string GatewayUrl::to_string() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return std::string(scheme_name(scheme, tls)) + "://" + (ipv6 ? "[" + host + "]" : host) + ":" +
         std::to_string(port) + path;
}

}  // namespace gw::client
