#!/usr/bin/env bash
# The client library against a real gatewayd on loopback, on each transport: connect time,
# sequential request round trips, publish-to-subscriber latency (bench/client/client_bench.cpp).
#   client_bench.sh BUILD_DIR [--seconds S] [--connects N]
set -euo pipefail
build=${1:?usage: client_bench.sh BUILD_DIR [--seconds S] [--connects N]}
shift
source "$(dirname "$0")/start_gatewayd.sh"
start_gatewayd "$build" --http-port 0 --ws-port 0 --udp-port 0 --tcp-port 0
echo "gatewayd on 127.0.0.1, $(nproc) cores shared with the clients"
"$build/bench/client_bench" --key-file "$gateway_key" "$@" \
  "http://127.0.0.1:$(port http)" "ws://127.0.0.1:$(port ws)" \
  "udp://127.0.0.1:$(port udp)" "tcp://127.0.0.1:$(port tcp)"
