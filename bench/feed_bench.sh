#!/usr/bin/env bash
# The cost of the $gw feed: ping round trips per second over WebSocket through a real gatewayd,
# with nobody reading the feed and with one dashboard reading all of it (gwctl top --json, as
# an admin), in alternating rounds so that the machine's drift falls on both alike; a UDP
# sensor publishes ten times a second throughout, so that the dashboard's topic activity is
# kept too. Prints each round's ratio (dashboard / none) and their median; nothing is asserted.
#   feed_bench.sh BUILD_DIR [--seconds S] [--connections C] [--rounds R]
set -euo pipefail

build=${1:?usage: feed_bench.sh BUILD_DIR [--seconds S] [--connections C] [--rounds R]}
shift
seconds=3 connections=32 rounds=3
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "feed_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

here=$(dirname "$0")
source "$here/start_gatewayd.sh"
admin_key_file=$(mktemp)
echo "feed bench admin key" >"$admin_key_file"
chmod 600 "$admin_key_file"
start_gatewayd "$build" --http-port 0 --ws-port 0 --udp-port 0 --tcp-port 0 \
  --admin-key-file "$admin_key_file"
trap 'stop_gatewayd; rm -f "$admin_key_file"; kill ${sensor_pid:-} ${top_pid:-} 2>/dev/null || true' EXIT

# The sensor: ten publications a second, until this script ends (or 600 s, whichever first).
/usr/bin/python3 - "$gateway_key" "$(port udp)" <<'PY' &
import json, socket, sys, time
from cryptography.fernet import Fernet
with open(sys.argv[1]) as f:
    key = next(line.strip() for line in f if line.strip() and not line.startswith("#"))
fernet, port = Fernet(key.encode()), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for n in range(6000):
    body = {"cmd": "publish", "topic": "bench/kitchen/t", "userID": "sensor", "data": {"n": n}}
    s.sendto(fernet.encrypt(json.dumps(body).encode()), ("127.0.0.1", port))
    time.sleep(0.1)
PY
sensor_pid=$!

rate() {
  "$build/bench/gateway_load" --transport websocket --port "$(port ws)" --key-file "$gateway_key" \
    --connections "$connections" --seconds "$seconds" --warmup 0.5 |
    sed -n 's/.*= *\([0-9]*\) round trips\/s.*/\1/p'
}

echo "gatewayd on 127.0.0.1, $(nproc) cores shared with the load; WebSocket ping, $connections" \
     "connections, $seconds s each; a UDP sensor publishing 10/s throughout"
ratios=()
for round in $(seq "$rounds"); do
  none=$(rate)
  "$build/clients/gwctl/gwctl" top --url "ws://127.0.0.1:$(port ws)/ws" --key-file "$gateway_key" \
    --admin-key-file "$admin_key_file" --json >"$gateway_work/top.out" 2>"$gateway_work/top.err" &
  top_pid=$!
  sleep 1.5  # subscribed, and the feed running
  read=$(rate)
  kill "$top_pid" 2>/dev/null; wait "$top_pid" 2>/dev/null || true
  screens=$(wc -l <"$gateway_work/top.out")
  [ "$screens" -gt 0 ] || { echo "gwctl top read nothing:" >&2; cat "$gateway_work/top.err" >&2; }
  ratio=$(awk -v a="$read" -v b="$none" 'BEGIN { printf "%.3f", a / b }')
  ratios+=("$ratio")
  printf 'round %d: none %8d/s, one dashboard %8d/s (%d screens read): ratio %s\n' \
    "$round" "$none" "$read" "$screens" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "median ratio, one dashboard / none: $median (target at least 0.95)"
