#!/usr/bin/env bash
# Round trips per second of ping through a real gatewayd on loopback, on this machine: the
# project's load generator (gateway_load) over HTTP keep-alive, WebSocket, UDP and TCP, then
# wrk over HTTP with a list of distinct tokens (the gateway acts on each token once), and the
# replay guard's cost: the same WebSocket load against a gateway with the guard off; and each
# transport against a gateway pinned to one core with the load on the other, with the ratios of
# WebSocket and TCP to HTTP. The first figures share the cores; nothing is asserted.
#   gateway_bench.sh BUILD_DIR [--seconds S] [--connections C] [--verify-every N] [--guard-rounds R]
set -euo pipefail

build=${1:?usage: gateway_bench.sh BUILD_DIR [--seconds S] [--connections C] [--verify-every N] [--guard-rounds R]}
shift
seconds=5 connections=64 verify_every=16 guard_rounds=3
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --verify-every) verify_every=$2; shift 2 ;;
    --guard-rounds) guard_rounds=$2; shift 2 ;;
    *) echo "gateway_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

load=$build/bench/gateway_load
gwctl=$build/clients/gwctl/gwctl
source "$(dirname "$0")/start_gatewayd.sh"
start_gatewayd "$build" --http-port 0 --ws-port 0 --udp-port 0 --tcp-port 0
key=$gateway_key

echo "gatewayd $(port http)/$(port ws)/$(port udp)/$(port tcp) on 127.0.0.1, $(nproc) cores shared" \
     "with the load; $connections connections, $seconds s each"
for transport in http websocket udp tcp; do
  case $transport in websocket) name=ws ;; *) name=$transport ;; esac
  "$load" --transport "$transport" --port "$(port "$name")" --key-file "$key" \
    --connections "$connections" --seconds "$seconds" --warmup 0.5 --verify-every "$verify_every"
done

if command -v wrk >/dev/null; then
  whole=${seconds%.*}
  wrk_seconds=$(( ${whole:-0} > 0 ? whole : 1 ))  # wrk takes whole seconds
  wrk_distinct_tokens "$build" "$wrk_seconds"
  wrk -t1 -c"$connections" -d"${wrk_seconds}s" -s "$gateway_work/post.lua" \
    "http://127.0.0.1:$(port http)/message" >"$gateway_work/wrk.out"
  if grep -q "Non-2xx" "$gateway_work/wrk.out"; then cat "$gateway_work/wrk.out" >&2; exit 1; fi
  printf 'wrk       %4s connections  %s round trips/s  (one thread, distinct tokens, HTTP keep-alive)\n' \
    "$connections" "$(sed -n 's/Requests\/sec: *\([0-9.]*\)/\1/p' "$gateway_work/wrk.out")"
else
  echo "wrk not installed: skipped (scripts/install-deps.sh --test installs it)"
fi

# The replay guard's cost: the same WebSocket load against fresh gateways with the guard on and
# off, in the order on, off, off, on, so that drift during the run weighs on both alike. On two
# cores or more the gateway (one network thread) runs on core 1 and the load on core 0.
pin_load=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then gateway_cpu=1 pin_load=(taskset -c 0); fi
rate() { sed -n 's/.* \([0-9.]*\) round trips\/s.*/\1/p' <<<"$1"; }
guard_run() {  # true | false: prints round trips/s
  stop_gatewayd
  start_gatewayd "$build" --http-port off --ws-port 0 --udp-port off --tcp-port off \
    --threads 1 --replay-guard "$1"
  rate "$("${pin_load[@]}" "$load" --transport websocket --port "$(port ws)" --key-file "$gateway_key" \
    --connections "$connections" --seconds "$seconds" --warmup 0.5 --verify-every "$verify_every")"
}
# One gateway differs from the next by more than the guard costs, so the figure is the ratio of
# the sums over several rounds of on, off, off, on.
on=() off=()
for ((round = 0; round < guard_rounds; round++)); do
  on+=("$(guard_run true)") off+=("$(guard_run false)") off+=("$(guard_run false)") on+=("$(guard_run true)")
done
printf 'replay guard: websocket %s round trips/s on, %s off: ratio %s\n' \
  "${on[*]}" "${off[*]}" \
  "$(awk -v on="${on[*]}" -v off="${off[*]}" 'BEGIN {
      n = split(on, a, " "); split(off, b, " "); for (i = 1; i <= n; i++) { x += a[i]; y += b[i] }
      printf "%.3f", x / y }')"

# The transports beside HTTP, each against a fresh gateway with one network thread on core 1
# and the load on core 0 (on two cores or more), so that the comparison is of the gateway's
# work and not of how the two share the cores.
transport_run() {  # TRANSPORT: prints round trips/s
  local flag name=$1
  case $1 in http) flag=--http-port ;; websocket) flag=--ws-port name=ws ;; udp) flag=--udp-port ;;
    tcp) flag=--tcp-port ;; esac
  stop_gatewayd
  start_gatewayd "$build" --http-port off --ws-port off --udp-port off --tcp-port off "$flag" 0 \
    --threads 1
  rate "$("${pin_load[@]}" "$load" --transport "$1" --port "$(port "$name")" \
    --key-file "$gateway_key" --connections "$connections" --seconds "$seconds" --warmup 0.5 \
    --verify-every "$verify_every")"
}
declare -A pinned
for transport in http websocket udp tcp; do pinned[$transport]=$(transport_run "$transport"); done
printf 'pinned, one network thread: http %s, websocket %s, udp %s, tcp %s round trips/s;' \
  "${pinned[http]}" "${pinned[websocket]}" "${pinned[udp]}" "${pinned[tcp]}"
printf ' ratio to http: websocket %s, tcp %s\n' \
  "$(awk -v a="${pinned[websocket]}" -v b="${pinned[http]}" 'BEGIN { printf "%.2f", a / b }')" \
  "$(awk -v a="${pinned[tcp]}" -v b="${pinned[http]}" 'BEGIN { printf "%.2f", a / b }')"
