#pragma once

#include <chrono>

namespace gw::gateway {

// A rate and the burst allowed above it.
struct Rate {
  double per_second = 0;  // 0: unlimited
  double burst = 0;
};

// How fast clients may send. The defaults are written here once; the configuration file
// carries each of them. They sit far above what a LAN device sends and below what one
// misbehaving client would need to starve the others.
struct RateLimits {
  Rate session{1000, 2000};   // messages from one client (a connection or a session token)
  Rate address{5000, 10000};  // messages from one source address, whatever its sessions
  // Tokens from one address that do not decrypt (each costs an HMAC); once spent, that
  // address's input is refused before it is decrypted until the bucket refills.
  Rate undecryptable{20, 100};
  // Device keys tried, all addresses together, to find the key of a token that no key tried
  // first opened (a new device, or a token under no key): about a third of a core at 0.3 us a
  // key. Past it such tokens are refused unread, so that a flood of tokens under no key, from
  // any number of addresses, costs no more than that.
  Rate key_search{1'000'000, 2'000'000};
  // The addresses that rate limits are kept for at once (least recently heard of forgotten).
  std::size_t tracked_addresses = 65536;
};

}  // namespace gw::gateway
