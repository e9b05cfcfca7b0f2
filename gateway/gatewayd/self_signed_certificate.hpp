#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace gw::gatewayd {

// What a self-signed certificate vouches for: the names and addresses clients use to reach
// the gateway (its subjectAltName).
struct CertificateNames {
  std::vector<std::string> dns;
  std::vector<std::string> ip;
};

struct SelfSignedCertificate {
  bool created = false;            // false: an earlier one, still valid, was kept
  std::string sha256_fingerprint;  // AB:CD:..., as browsers and `openssl x509 -fingerprint` show
};

// A certificate for a LAN box that has no other: an EC P-256 key (mode 0600) and a certificate
// signed by it, valid for 825 days (the longest some clients accept). An existing pair is kept,
// so clients that trust it go on trusting it; an expired one is replaced. `names` is asked
// only when a certificate is made. Throws gateway::ConfigError naming the file that could not
// be written.
SelfSignedCertificate ensure_self_signed_certificate(
    const std::filesystem::path& certificate, const std::filesystem::path& private_key,
    const std::function<CertificateNames()>& names);

}  // namespace gw::gatewayd
