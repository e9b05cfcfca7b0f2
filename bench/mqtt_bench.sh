#!/usr/bin/env bash
# The MQTT bridge's rate beside mosquitto's own, in the same run: N messages from
# mosquitto_pub to mosquitto_sub through a mosquitto broker on loopback (the peer), from a gw
# TCP client through gatewayd's bridge to mosquitto_sub (export), and from mosquitto_pub through
# the bridge to a gw TCP subscriber (import); and, for what the gateway itself does, the same
# gw publisher to a topic nothing exports (alone, until its last reply). Each is the time from
# the first message sent to the last one received; prints messages/s and the ratios to the peer,
# each round. Nothing is asserted.
#   mqtt_bench.sh BUILD_DIR [--count N] [--rounds R]
set -euo pipefail
build=${1:?usage: mqtt_bench.sh BUILD_DIR [--count N] [--rounds R]}
shift
here=$(cd "$(dirname "$0")" && pwd)
GATEWAYD=$(cd "$build" && pwd)/gateway/gatewayd/gatewayd exec /usr/bin/python3 \
  "$here/mqtt/mqtt_bench.py" "$@"
