#!/usr/bin/env bash
# Fan-out through a real gatewayd on loopback: one publisher and SUBSCRIBERS WebSocket
# subscribers on a topic (deliveries per second); the same pattern through Debian's nats-server
# with NATS subscribers in the same run, and the ratio (--no-nats skips it); and gatewayd's
# resident memory per idle WebSocket session with IDLE connected, then its CPU while each gets
# a message a second for IDLE_SECONDS. The servers and the clients share the machine's cores;
# figures are printed, nothing asserted.
#   fanout_bench.sh BUILD_DIR [--subscribers N] [--messages N] [--idle N] [--idle-seconds S]
#                   [--threads N] [--no-nats]
set -euo pipefail

build=${1:?usage: fanout_bench.sh BUILD_DIR [--subscribers N] [--messages N] [--idle N]}
shift
subscribers=1000 messages=1000 idle=10000 idle_seconds=0 threads=0 nats=1
while [ $# -gt 0 ]; do
  case $1 in
    --subscribers) subscribers=$2; shift 2 ;;
    --messages) messages=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    --idle-seconds) idle_seconds=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --no-nats) nats=0; shift ;;
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

nats_options=()
if [ "$nats" = 1 ]; then
  command -v nats-server >/dev/null ||
    { echo "fanout_bench.sh: nats-server is not installed (scripts/install-deps.sh --test)" >&2; exit 1; }
  nats_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  nats-server -a 127.0.0.1 -p "$nats_port" >"$gateway_work/nats.log" 2>&1 &
  nats_pid=$!
  # nats-server's status on SIGTERM (143) must not end the trap under set -e before the gateway
  # is stopped.
  trap 'kill $nats_pid 2>/dev/null; wait $nats_pid 2>/dev/null || true; stop_gatewayd' EXIT
  for _ in $(seq 100); do grep -q "Server is ready" "$gateway_work/nats.log" && break; sleep 0.05; done
  nats_options=(--nats-port "$nats_port")
  echo "nats-server $(nats-server --version | awk '{print $2}') port $nats_port on 127.0.0.1, the same cores"
fi
echo "gatewayd WebSocket port $ws_port on 127.0.0.1, $(nproc) cores shared with the clients"
"$build/bench/fanout_bench" --port "$ws_port" --key-file "$gateway_key" \
  --subscribers "$subscribers" --messages "$messages" --idle "$idle" --gateway-pid "$gateway_pid" \
  --idle-seconds "$idle_seconds" "${nats_options[@]}"
