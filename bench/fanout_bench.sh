#!/usr/bin/env bash
# Fan-out through a real gatewayd on loopback: one publisher and SUBSCRIBERS WebSocket
# subscribers on a topic (deliveries per second), and gatewayd's resident memory per idle
# WebSocket session with IDLE connected. The gateway and the clients share the machine's
# cores; figures are printed, nothing asserted.
#   fanout_bench.sh BUILD_DIR [--subscribers N] [--messages N] [--idle N] [--threads N]
set -euo pipefail

build=${1:?usage: fanout_bench.sh BUILD_DIR [--subscribers N] [--messages N] [--idle N]}
shift
subscribers=1000 messages=1000 idle=10000 threads=0
while [ $# -gt 0 ]; do
  case $1 in
    --subscribers) subscribers=$2; shift 2 ;;
    --messages) messages=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "fanout_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

source "$(dirname "$0")/start_gatewayd.sh"
connections=$(( (idle > subscribers ? idle : subscribers) + 100 ))
# Each connection is a descriptor, in the gateway and in the benchmark.
ulimit -n "$(( connections + 1000 > $(ulimit -Hn) ? $(ulimit -Hn) : connections + 1000 ))"
start_gatewayd "$build" --http-port off --ws-port 0 --udp-port off --tcp-port off \
  --threads "$threads" --max-connections "$connections" --websocket-ping 0
ws_port=$(port ws)

echo "gatewayd WebSocket port $ws_port on 127.0.0.1, $(nproc) cores shared with the clients"
"$build/bench/fanout_bench" --port "$ws_port" --key-file "$gateway_key" \
  --subscribers "$subscribers" --messages "$messages" --idle "$idle" --gateway-pid "$gateway_pid"
