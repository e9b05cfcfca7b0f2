#!/usr/bin/env bash
# Several gateways as one: a nats-server (JetStream on, a temporary store) and three gatewayd
# in one cluster on loopback, measured by bench/cluster/cluster_bench.cpp against the same
# load on one gateway, in the same run: publish-to-subscriber deliveries across gateways /
# on one gateway (the pair ratio; target at least 0.5), fan-out from one gateway to subscribers
# on three, and the replay window between two gateways.
#   cluster_bench.sh BUILD_DIR [--publishes N] [--subscribers N] [--rounds N] [--replay-trials N]
set -euo pipefail

build=${1:?usage: cluster_bench.sh BUILD_DIR [cluster_bench options...]}
shift
command -v nats-server >/dev/null || { echo "cluster_bench: nats-server is not installed (scripts/install-deps.sh --test)" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() {
  # A server's status on SIGTERM (nats-server's 143) must not end the cleanup under set -e: the
  # gateways after it would be left running.
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ready_port() { sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" "$work/$1/ready.json"; }

nats_port=$(free_port)
nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$work/jetstream" >"$work/nats.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$nats_port") 2>/dev/null && break; sleep 0.05; done

for node in a b c; do
  mkdir -p "$work/$node/data"
  if [ "$node" != a ]; then install -m 600 "$work/a/data/gw.key" "$work/$node/data/gw.key"; fi
  "$build/gateway/gatewayd/gatewayd" --data-dir "$work/$node/data" --bind 127.0.0.1 \
    --name "bench-$node" --ready-file "$work/$node/ready.json" --log-level warn \
    --trusted-networks 127.0.0.0/8 --session-rate 0 --storage memory \
    --http-port 0 --ws-port off --udp-port off --tcp-port 0 \
    --cluster-nats "nats://127.0.0.1:$nats_port" --cluster-node "$node" \
    >"$work/$node/out" 2>"$work/$node/err" &
  pids+=($!)
  for _ in $(seq 100); do [ -f "$work/$node/ready.json" ] && break; sleep 0.05; done
  [ -f "$work/$node/ready.json" ] || { cat "$work/$node/err" >&2; exit 1; }
done
# Every gateway has heard the others' heartbeats.
for node in a b c; do
  for _ in $(seq 100); do
    curl -s "http://127.0.0.1:$(ready_port "$node" http)/healthz" | grep -q '"nodes":3' && break
    sleep 0.1
  done
done
echo "nats-server $(nats-server --version | awk '{print $2}') and 3 gatewayd on 127.0.0.1, $(nproc) cores shared with the load"
"$build/bench/cluster_bench" --key-file "$work/a/data/gw.key" \
  --ports "$(ready_port a tcp),$(ready_port b tcp),$(ready_port c tcp)" "$@"
