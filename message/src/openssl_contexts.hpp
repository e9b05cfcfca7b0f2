#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

struct evp_cipher_ctx_st;
struct evp_mac_ctx_st;

namespace gw::message::detail {

// An HMAC-SHA256 context keyed once with a 16-byte signing key; each MAC restarts it from the
// stored pads. Not thread-safe.
class MacContext {
 public:
  static constexpr std::size_t key_size = 16;
  static constexpr std::size_t mac_size = 32;

  explicit MacContext(std::span<const std::uint8_t, key_size> key);
  ~MacContext();
  MacContext(const MacContext&) = delete;
  MacContext& operator=(const MacContext&) = delete;

  void mac(std::span<const std::uint8_t> data, std::span<std::uint8_t, mac_size> out);

 private:
  evp_mac_ctx_st* context_;
};

// The OpenSSL contexts for one Fernet key: AES-128-CBC both ways and HMAC-SHA256. Keying a
// context (AES key schedule, HMAC pads, provider look-ups) costs more than using it for a
// short message, so each thread keys a context set once per key and reuses it. Contexts are
// not thread-safe; for_key hands out the calling thread's own.
class OpenSslContexts {
 public:
  static constexpr std::size_t key_size = 32;  // 16 signing + 16 encryption bytes
  static constexpr std::size_t iv_size = 16;
  static constexpr std::size_t mac_size = 32;

  // A process-wide unique id for a key; contexts are looked up by it.
  static std::uint64_t new_key_id() noexcept;
  // This thread's contexts for the key named id, keyed with key on first use.
  static OpenSslContexts& for_key(std::uint64_t id, std::span<const std::uint8_t, key_size> key);

  explicit OpenSslContexts(std::span<const std::uint8_t, key_size> key);
  ~OpenSslContexts();
  OpenSslContexts(const OpenSslContexts&) = delete;
  OpenSslContexts& operator=(const OpenSslContexts&) = delete;

  // PKCS7-padded AES-128-CBC; out must hold in.size() / 16 * 16 + 16 bytes. Returns the size.
  std::size_t encrypt(std::span<const std::uint8_t, iv_size> iv, std::span<const std::uint8_t> in,
                      std::uint8_t* out);
  // out must hold in.size() bytes. nullopt when the padding is wrong.
  std::optional<std::size_t> decrypt(std::span<const std::uint8_t, iv_size> iv,
                                     std::span<const std::uint8_t> in, std::uint8_t* out);
  void mac(std::span<const std::uint8_t> data, std::span<std::uint8_t, mac_size> out) {
    mac_.mac(data, out);
  }

 private:
  MacContext mac_;  // first: constructed before, and so freed after, the raw contexts
  evp_cipher_ctx_st* encrypt_;
  evp_cipher_ctx_st* decrypt_;
};

// Fills out from OpenSSL's CSPRNG.
void random_bytes(std::span<std::uint8_t> out);

}  // namespace gw::message::detail
