#!/usr/bin/env bash
# What keeping messages costs: direct messages per second into an HTTP session's mailbox
# through a real gatewayd, with the SQLite store (synchronous normal, then full) against the
# memory store in the same run, and the latency a stored message adds to its reply (p50, p99
# of one-at-a-time sends; with sqlite the reply waits for the commit). Figures are printed,
# nothing asserted.
#   storage_bench.sh BUILD_DIR [--seconds S] [--connections C] [--latency-count N]
set -euo pipefail

build=${1:?usage: storage_bench.sh BUILD_DIR [--seconds S] [--connections C] [--latency-count N]}
shift
seconds=5 connections=32 latency_count=3000
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --latency-count) latency_count=$2; shift 2 ;;
    *) echo "storage_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
here=$(dirname "$0")
python=${GW_TEST_PYTHON:-/usr/bin/python3}
source "$here/start_gatewayd.sh"

# One store: prints "RATE P50 P99".
measure() {
  start_gatewayd "$build" --http-port 0 --ws-port 0 --udp-port off --tcp-port off \
    --mailbox-messages 1000000 --mailbox-bytes $((1024 * 1024 * 1024)) "$@"
  # The recipient: an HTTP session that never polls, so every message stays in its mailbox.
  "$python" - "$(port http)" "$gateway_key" <<'PY'
import json, sys, requests
from cryptography.fernet import Fernet
key = next(l.strip() for l in open(sys.argv[2]) if l.strip() and not l.startswith("#"))
token = Fernet(key).encrypt(json.dumps({"cmd": "handshake", "userID": "printer"}).encode())
reply = requests.post(f"http://127.0.0.1:{sys.argv[1]}/message", data=token, timeout=10)
assert reply.status_code == 200, reply.text
PY
  local rate latency
  rate=$("$build/bench/gateway_load" --transport websocket --port "$(port ws)" \
           --key-file "$gateway_key" --connections "$connections" --seconds "$seconds" \
           --warmup 0.5 --verify-every 64 --send-to printer |
         sed -n 's/.*= *\([0-9]*\) round trips\/s.*/\1/p')
  latency=$("$python" "$here/storage_latency.py" "ws://127.0.0.1:$(port ws)/ws" "$gateway_key" \
              printer "$latency_count")
  stop_gatewayd
  trap - EXIT
  echo "$rate $latency"
}

echo "direct messages into one HTTP mailbox over WebSocket: $connections connections, $seconds s;" \
     "latency: $latency_count sends one at a time; $(nproc) cores shared with the load"
read -r memory_rate memory_p50 memory_p99 < <(measure --storage memory)
read -r sqlite_rate sqlite_p50 sqlite_p99 < <(measure --storage sqlite)
read -r full_rate full_p50 full_p99 < <(measure --storage sqlite --storage-synchronous full)
printf '%-26s %9s msg/s  p50 %6s us  p99 %6s us\n' "memory" "$memory_rate" "$memory_p50" "$memory_p99"
printf '%-26s %9s msg/s  p50 %6s us  p99 %6s us\n' "sqlite (synchronous normal)" "$sqlite_rate" "$sqlite_p50" "$sqlite_p99"
printf '%-26s %9s msg/s  p50 %6s us  p99 %6s us\n' "sqlite (synchronous full)" "$full_rate" "$full_p50" "$full_p99"
awk -v m="$memory_rate" -v s="$sqlite_rate" -v f="$full_rate" \
    -v m50="$memory_p50" -v s50="$sqlite_p50" -v m99="$memory_p99" -v s99="$sqlite_p99" 'BEGIN {
  printf "sqlite/memory messages per second: normal %.2f, full %.2f (target: at least 0.5)\n", s / m, f / m
  printf "added latency of a stored message (normal): p50 %+d us, p99 %+d us\n", s50 - m50, s99 - m99
}'
