#!/usr/bin/env bash
# What TLS costs: the client library against one gatewayd serving plain HTTP and WebSocket and
# one serving https and wss (--self-signed), on loopback, with the same measurements
# (bench/client/client_bench.cpp): connect (TCP, TLS and the handshake), sequential request
# round trips, publish-to-subscriber latency.
#   tls_bench.sh BUILD_DIR [--seconds S] [--connects N]
set -euo pipefail
build=${1:?usage: tls_bench.sh BUILD_DIR [--seconds S] [--connects N]}
shift
source "$(dirname "$0")/start_gatewayd.sh"
echo "gatewayd on 127.0.0.1, $(nproc) cores shared with the clients"
(
  start_gatewayd "$build" --http-port 0 --ws-port 0 --udp-port off --tcp-port off
  "$build/bench/client_bench" --key-file "$gateway_key" "$@" \
    "http://127.0.0.1:$(port http)" "ws://127.0.0.1:$(port ws)"
)
start_gatewayd "$build" --http-port 0 --ws-port 0 --udp-port off --tcp-port off --self-signed
"$build/bench/client_bench" --key-file "$gateway_key" --ca-file "$gateway_work/data/tls-certificate.pem" \
  "$@" "https://127.0.0.1:$(port http)" "wss://127.0.0.1:$(port ws)" | tail -n +2
