#include "openssl_contexts.hpp"

#include <array>
#include <atomic>
#include <limits>
#include <stdexcept>
#include <string>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace gw::message::detail {
namespace {

// OpenSSL fails here only when memory or the provider is gone; no caller can recover from that.
[[noreturn]] void fail(const char* what) {
  char reason[256] = "unknown error";
  if (const unsigned long code = ERR_get_error(); code != 0) {
    ERR_error_string_n(code, reason, sizeof reason);
  }
  throw std::runtime_error(std::string("OpenSSL ") + what + " failed: " + reason);
}

void check(int ok, const char* what) {
  if (ok != 1) fail(what);
}

// OpenSSL's cipher calls take int lengths.
int cipher_length(std::size_t size) {
  if (size > std::size_t(std::numeric_limits<int>::max()) - 16) {
    throw std::length_error("a Fernet plaintext must be smaller than 2 GiB");
  }
  return static_cast<int>(size);
}

// Fetched once: an implicit fetch by name on every call is a measurable share of a token's
// cost in OpenSSL 3. They live as long as the process.
EVP_CIPHER* aes_128_cbc() {
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr);
  if (cipher == nullptr) fail("fetching AES-128-CBC");
  return cipher;
}

EVP_MAC* hmac() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) fail("fetching HMAC");
  return mac;
}

// Enough for a rotated key ring and the devices a thread serves in turn (each with a key of its
// own); the slots are reused in turn beyond that.
constexpr std::size_t slots_per_thread = 32;

struct Slot {
  std::uint64_t id = 0;  // 0: empty; key ids start at 1
  std::unique_ptr<OpenSslContexts> contexts;
};

struct ThreadCache {
  std::array<Slot, slots_per_thread> slots;
  std::size_t next_victim = 0;
};

}  // namespace

std::uint64_t OpenSslContexts::new_key_id() noexcept {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

OpenSslContexts& OpenSslContexts::for_key(std::uint64_t id,
                                          std::span<const std::uint8_t, key_size> key) {
  thread_local ThreadCache cache;
  for (Slot& slot : cache.slots) {
    if (slot.id == id) return *slot.contexts;
  }
  Slot& slot = cache.slots[cache.next_victim];
  cache.next_victim = (cache.next_victim + 1) % slots_per_thread;
  slot.contexts = std::make_unique<OpenSslContexts>(key);
  slot.id = id;
  return *slot.contexts;
}

MacContext::MacContext(std::span<const std::uint8_t, key_size> key)
    : context_(EVP_MAC_CTX_new(hmac())) {
  if (context_ == nullptr) fail("allocating an HMAC context");
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_END};
  if (EVP_MAC_init(context_, key.data(), key.size(), params) != 1) {
    EVP_MAC_CTX_free(context_);
    fail("setting the HMAC key");
  }
}

MacContext::~MacContext() {
  EVP_MAC_CTX_free(context_);
}

void MacContext::mac(std::span<const std::uint8_t> data, std::span<std::uint8_t, mac_size> out) {
  // A null key restarts from the stored inner and outer pads.
  check(EVP_MAC_init(context_, nullptr, 0, nullptr), "restarting HMAC");
  check(EVP_MAC_update(context_, data.data(), data.size()), "HMAC");
  std::size_t written = 0;
  check(EVP_MAC_final(context_, out.data(), &written, out.size()), "HMAC");
}

OpenSslContexts::OpenSslContexts(std::span<const std::uint8_t, key_size> key)
    : mac_(key.first<MacContext::key_size>()),
      encrypt_(EVP_CIPHER_CTX_new()),
      decrypt_(EVP_CIPHER_CTX_new()) {
  if (encrypt_ == nullptr || decrypt_ == nullptr) {
    EVP_CIPHER_CTX_free(encrypt_);
    EVP_CIPHER_CTX_free(decrypt_);
    fail("allocating a cipher context");
  }
  const std::uint8_t* encryption_key = key.data() + 16;
  check(EVP_EncryptInit_ex2(encrypt_, aes_128_cbc(), encryption_key, nullptr, nullptr),
        "setting the AES key");
  check(EVP_DecryptInit_ex2(decrypt_, aes_128_cbc(), encryption_key, nullptr, nullptr),
        "setting the AES key");
}

OpenSslContexts::~OpenSslContexts() {
  EVP_CIPHER_CTX_free(encrypt_);
  EVP_CIPHER_CTX_free(decrypt_);
}

std::size_t OpenSslContexts::encrypt(std::span<const std::uint8_t, iv_size> iv,
                                     std::span<const std::uint8_t> in, std::uint8_t* out) {
  // A null cipher and key keep the key schedule and only set the IV.
  check(EVP_EncryptInit_ex2(encrypt_, nullptr, nullptr, iv.data(), nullptr), "setting the IV");
  int body = 0;
  int tail = 0;
  check(EVP_EncryptUpdate(encrypt_, out, &body, in.data(), cipher_length(in.size())),
        "AES encryption");
  check(EVP_EncryptFinal_ex(encrypt_, out + body, &tail), "AES encryption");
  return static_cast<std::size_t>(body + tail);
}

std::optional<std::size_t> OpenSslContexts::decrypt(std::span<const std::uint8_t, iv_size> iv,
                                                    std::span<const std::uint8_t> in,
                                                    std::uint8_t* out) {
  check(EVP_DecryptInit_ex2(decrypt_, nullptr, nullptr, iv.data(), nullptr), "setting the IV");
  int body = 0;
  int tail = 0;
  check(EVP_DecryptUpdate(decrypt_, out, &body, in.data(), cipher_length(in.size())),
        "AES decryption");
  // The only way the final block fails on authenticated, block-aligned input is bad padding.
  if (EVP_DecryptFinal_ex(decrypt_, out + body, &tail) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  return static_cast<std::size_t>(body + tail);
}

void random_bytes(std::span<std::uint8_t> out) {
  check(RAND_bytes(out.data(), static_cast<int>(out.size())), "drawing random bytes");
}

}  // namespace gw::message::detail
