#include "tls_setup.hpp"

#include <unistd.h>

#include <gw/discovery/network_interface.hpp>
#include <gw/transports/tls_context.hpp>

#include "self_signed_certificate.hpp"

namespace gw::gatewayd {

namespace {

// Every name a client on the LAN may reach this machine by: its host name (also under mDNS's
// .local), localhost, and the addresses of its interfaces.
CertificateNames names_of_this_machine(const gateway::Config& config) {
  CertificateNames names;
  const auto host = host_name();
  names.dns = {host, host + ".local", "localhost"};
  names.ip = {"127.0.0.1", "::1"};
  for (const auto& interface : discovery::list_interfaces())
    if (!interface.loopback) names.ip.push_back(interface.address.to_string());
  if (config.bind != "0.0.0.0" && config.bind != "::" && config.bind != "127.0.0.1")
    names.ip.push_back(config.bind);
  return names;
}

}  // namespace

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "gw";
  return name;
}

TlsSetup set_up_tls(const gateway::Config& config) {
  if (!config.tls()) return {};
  const auto certificate = config.tls_certificate_path();
  const auto private_key = config.tls_private_key_path();
  TlsSetup setup;
  setup.summary = certificate.string();
  if (config.tls_makes_own_certificate()) {
    const auto made = ensure_self_signed_certificate(
        certificate, private_key, [&config] { return names_of_this_machine(config); });
    setup.summary += made.created ? "  (self-signed, created" : "  (self-signed";
    setup.summary += "; SHA-256 " + made.sha256_fingerprint + ")";
  }
  try {
    setup.context = transports::make_server_tls_context(certificate, private_key);
  } catch (const transports::TlsError& error) {
    throw gateway::ConfigError(error.what());
  }
  return setup;
}

}  // namespace gw::gatewayd
