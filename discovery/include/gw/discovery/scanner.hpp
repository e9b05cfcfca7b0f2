#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gw/discovery/cidr.hpp>
#include <gw/discovery/probe.hpp>
#include <gw/message/key_ring.hpp>

namespace gw::discovery {

struct ScanOptions {
  std::vector<Cidr> networks;
  std::uint16_t port = 5000;  // the gateways' HTTP port
  std::chrono::milliseconds connect_timeout{250};
  // Once connected: the whole POST /message exchange.
  std::chrono::milliseconds answer_timeout{1000};
  std::size_t in_flight = 256;  // connections at once
  // Networks larger than a /22 (1,024 addresses) are refused unless this is set.
  bool allow_large = false;
  std::string user = "gw-discovery";
};

struct ScanProgress {
  std::size_t done = 0;
  std::size_t total = 0;
  std::size_t found = 0;
};

// The smallest prefix scanned without ScanOptions::allow_large.
inline constexpr unsigned largest_scan_without_allow = 22;

// A network over that size, when large scans were not allowed.
class NetworkTooLarge : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Connects to the HTTP port of every host address of the networks, at most `in_flight` at once,
// and sends each that accepts a probe by POST /message; only an answer under our key counts.
// `on_found` is called as gateways are found, `on_progress` after each address. Returns the
// final progress. NetworkTooLarge, or std::invalid_argument for in_flight 0.
ScanProgress scan(const message::KeyRing& keys, const ScanOptions& options, const OnFound& on_found,
                  const std::function<void(const ScanProgress&)>& on_progress = {});

}  // namespace gw::discovery
