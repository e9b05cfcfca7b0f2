#pragma once

#include <gw/gateway/snapshot_slot.hpp>
#include <gw/message/codec.hpp>

namespace gw::gateway {

// The codec in use, replaced whole when the keys are reloaded (SIGHUP).
using CodecSlot = SnapshotSlot<message::Codec>;

}  // namespace gw::gateway
