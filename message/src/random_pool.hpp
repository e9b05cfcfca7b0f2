#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace gw::message::detail {

// Random bytes from OpenSSL's CSPRNG, drawn in page-sized batches per thread. One RAND_bytes
// call per 16-byte IV costs about as much as encrypting a short message (parameter look-ups and
// a fork check each time); one call per batch spreads that over 250 IVs. The batch lives on a
// page marked MADV_WIPEONFORK: a forked child finds it zeroed, hence empty, and draws its own,
// so parent and child never hand out the same bytes. Where the kernel cannot wipe on fork, every
// call goes straight to RAND_bytes.
class RandomPool {
 public:
  // Largest request served from the batch; larger ones go straight to RAND_bytes.
  static constexpr std::size_t max_request = 64;

  static void fill(std::span<std::uint8_t> out);
};

}  // namespace gw::message::detail
