#!/usr/bin/env bash
# What TLS costs: one gatewayd serving plain HTTP and WebSocket, then one serving https and wss
# (--self-signed), on loopback, measured the same way: the client library (connect with TLS and
# the handshake, sequential request round trips, publish-to-subscriber latency;
# bench/client/client_bench.cpp), and wrk posting a fixed ping token over kept-alive
# connections (the gateway's throughput, the encryption of every response included).
#   tls_bench.sh BUILD_DIR [--seconds S] [--connects N]
set -euo pipefail
build=${1:?usage: tls_bench.sh BUILD_DIR [--seconds S] [--connects N]}
shift
seconds=3
args=("$@")
while [ $# -gt 0 ]; do
  case $1 in --seconds) seconds=$2; shift 2 ;; *) shift ;; esac
done
source "$(dirname "$0")/start_gatewayd.sh"
wrk_connections=32

measure() {  # plain | tls
  local secure="" tls_options=() trust=()
  if [ "$1" = tls ]; then secure=s tls_options=(--self-signed); fi
  start_gatewayd "$build" --http-port 0 --ws-port 0 --udp-port off --tcp-port off \
    "${tls_options[@]}"
  if [ "$1" = tls ]; then trust=(--ca-file "$gateway_work/data/tls-certificate.pem"); fi
  "$build/bench/client_bench" --key-file "$gateway_key" "${trust[@]}" "${args[@]}" \
    "http$secure://127.0.0.1:$(port http)" "ws$secure://127.0.0.1:$(port ws)"
  if ! command -v wrk >/dev/null; then
    echo "wrk not installed: skipped (scripts/install-deps.sh --test installs it)"
    return
  fi
  local whole wrk_seconds
  whole=${seconds%.*}
  wrk_seconds=$(( ${whole:-0} > 0 ? whole : 1 ))
  wrk_distinct_tokens "$build" "$wrk_seconds"
  wrk -t1 -c"$wrk_connections" -d"${wrk_seconds}s" -s "$gateway_work/post.lua" \
    "http$secure://127.0.0.1:$(port http)/message" >"$gateway_work/wrk.out"
  if grep -q "Non-2xx\|errors" "$gateway_work/wrk.out"; then cat "$gateway_work/wrk.out" >&2; exit 1; fi
  printf 'wrk http%s: %s requests/s  (%d kept-alive connections, one thread)\n' "$secure" \
    "$(sed -n 's/Requests\/sec: *\([0-9.]*\)/\1/p' "$gateway_work/wrk.out")" "$wrk_connections"
}

echo "gatewayd on 127.0.0.1, $(nproc) cores shared with the clients"
(measure plain)
measure tls
