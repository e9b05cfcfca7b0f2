#pragma once

#include <cstdint>

namespace gw::message {

// Seconds since 1970-01-01 UTC, the clock Fernet timestamps use.
using UnixSeconds = std::int64_t;

UnixSeconds unix_now() noexcept;

}  // namespace gw::message
