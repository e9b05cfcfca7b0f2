#include "self_signed_certificate.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include <gw/gateway/config.hpp>

namespace gw::gatewayd {

namespace fs = std::filesystem;
using gateway::ConfigError;

namespace {

constexpr long validity_days = 825;

struct Free {
  void operator()(X509* x) const { X509_free(x); }
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  void operator()(BIGNUM* number) const { BN_free(number); }
  void operator()(X509_EXTENSION* extension) const { X509_EXTENSION_free(extension); }
  void operator()(std::FILE* file) const { std::fclose(file); }
};
template <class T>
using Owned = std::unique_ptr<T, Free>;

[[noreturn]] void fail(const std::string& what) {
  throw ConfigError("self-signed certificate: " + what);
}

Owned<X509> read_certificate(const fs::path& path) {
  Owned<std::FILE> file(std::fopen(path.c_str(), "r"));
  if (!file) return nullptr;
  return Owned<X509>(PEM_read_X509(file.get(), nullptr, nullptr, nullptr));
}

std::string fingerprint(X509* certificate) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  X509_digest(certificate, EVP_sha256(), digest, &size);
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string text;
  for (unsigned int i = 0; i < size; ++i) {
    if (i > 0) text += ':';
    text += hex[digest[i] >> 4];
    text += hex[digest[i] & 0xf];
  }
  return text;
}

void add_extension(X509* certificate, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
  Owned<X509_EXTENSION> extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
  if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1)
    fail("cannot add extension " + std::string(OBJ_nid2sn(nid)) + " = " + value);
}

std::string alt_names(const CertificateNames& names) {
  std::string text;
  for (const auto& name : names.dns)
    text += (text.empty() ? "DNS:" : ",DNS:") + name;
  for (const auto& address : names.ip)
    text += (text.empty() ? "IP:" : ",IP:") + address;
  return text;
}

Owned<X509> make_certificate(EVP_PKEY* key, const CertificateNames& names) {
  Owned<X509> certificate(X509_new());
  Owned<BIGNUM> serial(BN_new());
  if (!certificate || !serial || X509_set_version(certificate.get(), X509_VERSION_3) != 1 ||
      BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())))
    fail("OpenSSL could not start a certificate");
  // An hour's grace before now, for clients whose clocks run a little behind.
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), validity_days * 24 * 3600);
  X509_set_pubkey(certificate.get(), key);
  X509_NAME* subject = X509_get_subject_name(certificate.get());
  const auto common_name = names.dns.empty() ? std::string("gatewayd") : names.dns.front();
  X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("gatewayd"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(certificate.get(), subject);
  // The extensions `openssl req -x509` gives a self-signed certificate, which every TLS client
  // accepts as its own trust anchor, with the names clients check and its use as a server.
  add_extension(certificate.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(certificate.get(), NID_subject_key_identifier, "hash");
  add_extension(certificate.get(), NID_authority_key_identifier, "keyid:always");
  add_extension(certificate.get(), NID_ext_key_usage, "serverAuth");
  add_extension(certificate.get(), NID_subject_alt_name, alt_names(names));
  if (X509_sign(certificate.get(), key, EVP_sha256()) == 0) fail("OpenSSL could not sign it");
  return certificate;
}

// Opened only if it can be created with `mode`: a key is never readable by others, not even
// for a moment.
Owned<std::FILE> create_file(const fs::path& path, mode_t mode) {
  std::error_code ignored;
  fs::remove(path, ignored);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) fail("cannot create " + path.string() + ": " + std::strerror(errno));
  return Owned<std::FILE>(::fdopen(fd, "w"));
}

}  // namespace

SelfSignedCertificate ensure_self_signed_certificate(
    const fs::path& certificate, const fs::path& private_key,
    const std::function<CertificateNames()>& names) {
  if (auto existing = read_certificate(certificate); existing && fs::exists(private_key)) {
    if (X509_cmp_current_time(X509_get0_notAfter(existing.get())) > 0)
      return {false, fingerprint(existing.get())};
    spdlog::warn("TLS: the self-signed certificate {} has expired; making a new one",
                 certificate.string());
  }
  Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (!key) fail("OpenSSL could not make a P-256 key");
  auto made = make_certificate(key.get(), names());
  {
    auto file = create_file(private_key, 0600);
    if (PEM_write_PrivateKey(file.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
        std::fflush(file.get()) != 0)
      fail("cannot write " + private_key.string());
  }
  {
    auto file = create_file(certificate, 0644);
    if (PEM_write_X509(file.get(), made.get()) != 1 || std::fflush(file.get()) != 0)
      fail("cannot write " + certificate.string());
  }
  return {true, fingerprint(made.get())};
}

}  // namespace gw::gatewayd
