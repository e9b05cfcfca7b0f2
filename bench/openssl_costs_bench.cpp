// The OpenSSL costs behind two choices of the message module, measured on one core:
//  - keying AES-128-CBC and HMAC-SHA256 contexts for every token, against keying them once and
//    reusing them (what the per-thread context cache does);
//  - one RAND_bytes call per 16-byte IV, against drawing 4 KiB at a time (the IV batch).
//   openssl_costs_bench [--seconds S]
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "calls_per_second.hpp"

namespace {

constexpr std::size_t plaintext_size = 228;  // a typical Message JSON

// Nanoseconds per call of an operation that returns a size.
template <class Operation>
double nanoseconds_per_call(Operation&& operation, double seconds) {
  return 1e9 / gw::bench::calls_per_second(operation, seconds, 50'000'000);
}

void require(int ok) {
  if (ok != 1) {
    std::fprintf(stderr, "openssl_costs_bench: an OpenSSL call failed\n");
    std::exit(1);
  }
}

// AES-128-CBC then HMAC-SHA256 over the result, as Fernet does, with the given contexts.
// Returns the ciphertext's size.
std::size_t seal(EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, const unsigned char* iv,
                 const unsigned char* in, unsigned char* out) {
  int body = 0, tail = 0;
  require(EVP_EncryptInit_ex2(cipher, nullptr, nullptr, iv, nullptr));
  require(EVP_EncryptUpdate(cipher, out, &body, in, int(plaintext_size)));
  require(EVP_EncryptFinal_ex(cipher, out + body, &tail));
  std::array<unsigned char, 32> tag{};
  std::size_t tag_size = 0;
  require(EVP_MAC_init(mac, nullptr, 0, nullptr));
  require(EVP_MAC_update(mac, out, std::size_t(body + tail)));
  require(EVP_MAC_final(mac, tag.data(), &tag_size, tag.size()));
  return std::size_t(body + tail);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1.0;
  if (argc == 3 && std::string(argv[1]) == "--seconds") seconds = std::atof(argv[2]);
  if (!(seconds > 0 && seconds <= 60)) {
    std::fprintf(stderr, "usage: openssl_costs_bench [--seconds S], 0 < S <= 60\n");
    return 2;
  }
  EVP_CIPHER* aes = EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr);
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (aes == nullptr || hmac == nullptr) return 1;
  std::array<unsigned char, 32> key{};
  std::array<unsigned char, 16> iv{};
  std::array<unsigned char, plaintext_size> in{};
  std::array<unsigned char, plaintext_size + 16> out{};
  require(RAND_bytes(key.data(), int(key.size())));
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_END};

  const auto keyed = [&](EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac) {
    require(EVP_EncryptInit_ex2(cipher, aes, key.data() + 16, nullptr, nullptr));
    require(EVP_MAC_init(mac, key.data(), 16, params));
  };

  EVP_CIPHER_CTX* cipher = EVP_CIPHER_CTX_new();
  EVP_MAC_CTX* mac = EVP_MAC_CTX_new(hmac);
  keyed(cipher, mac);
  const double reused = nanoseconds_per_call(
      [&] { return seal(cipher, mac, iv.data(), in.data(), out.data()); }, seconds);
  const double per_token = nanoseconds_per_call(
      [&] {
        EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
        EVP_MAC_CTX* m = EVP_MAC_CTX_new(hmac);
        keyed(c, m);
        const std::size_t size = seal(c, m, iv.data(), in.data(), out.data());
        EVP_MAC_CTX_free(m);
        EVP_CIPHER_CTX_free(c);
        return size;
      },
      seconds);
  EVP_MAC_CTX_free(mac);
  EVP_CIPHER_CTX_free(cipher);

  std::array<unsigned char, 4096> batch{};
  const double rand_each = nanoseconds_per_call(
      [&] {
        require(RAND_bytes(iv.data(), 16));
        return std::size_t{16};
      },
      seconds);
  const double rand_batched = nanoseconds_per_call(
                                  [&] {
                                    require(RAND_bytes(batch.data(), int(batch.size())));
                                    return batch.size();
                                  },
                                  seconds) /
                              double(batch.size() / 16);

  std::printf("AES-128-CBC + HMAC-SHA256 of %zu bytes, one core:\n", plaintext_size);
  std::printf("  contexts keyed once, reused     %8.0f ns/token\n", reused);
  std::printf("  contexts created and keyed      %8.0f ns/token  (%.1fx)\n", per_token,
              per_token / reused);
  std::printf("A random 16-byte IV:\n");
  std::printf("  RAND_bytes(16) per IV           %8.0f ns/IV\n", rand_each);
  std::printf("  RAND_bytes(4096) per 256 IVs    %8.0f ns/IV  (%.0fx less)\n", rand_batched,
              rand_each / rand_batched);
  EVP_MAC_free(hmac);
  EVP_CIPHER_free(aes);
}
