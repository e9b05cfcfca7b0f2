#!/usr/bin/env bash
# Instructions gatewayd runs per ping round trip, and the allocations it makes (calls to malloc,
# calloc and realloc), counted by valgrind's callgrind: unlike round trips per second, the
# counts repeat from run to run whatever else the machine does, so two builds can be compared
# on a noisy machine. Two loads of different lengths are run and the difference taken, so that
# starting and stopping the gateway cancel out.
#   instructions_bench.sh BUILD_DIR [--transport T] [--seconds S] [--connections C]
set -euo pipefail

build=${1:?usage: instructions_bench.sh BUILD_DIR [--transport T] [--seconds S] [--connections C]}
shift
transport=http seconds=4 connections=16
while [ $# -gt 0 ]; do
  case $1 in
    --transport) transport=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "instructions_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v valgrind >/dev/null || { echo "instructions_bench.sh: needs valgrind" >&2; exit 1; }
case $transport in http) flag=--http-port ;; websocket) flag=--ws-port ;; udp) flag=--udp-port ;;
  tcp) flag=--tcp-port ;; *) echo "instructions_bench.sh: unknown transport $transport" >&2; exit 2 ;; esac
name=$transport; [ "$transport" = websocket ] && name=ws

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Prints "INSTRUCTIONS ROUND_TRIPS" for one gateway under callgrind and one load of SECONDS.
measure() {
  local seconds=$1 data=$work/data-$1
  valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.$1" \
    "$build/gateway/gatewayd/gatewayd" --data-dir "$data" --bind 127.0.0.1 --name bench \
    --ready-file "$work/ready-$1.json" --log-level warn --trusted-networks 127.0.0.0/8 \
    --session-rate 0 --threads 1 --http-port off --ws-port off --udp-port off --tcp-port off \
    "$flag" 0 >"$work/gatewayd-$1.out" 2>"$work/gatewayd-$1.err" &
  local pid=$!
  for _ in $(seq 600); do [ -f "$work/ready-$1.json" ] && break; sleep 0.05; done
  [ -f "$work/ready-$1.json" ] || { cat "$work/gatewayd-$1.err" >&2; exit 1; }
  local port
  port=$(sed -n "s/.*\"$name\":\([0-9]*\).*/\1/p" "$work/ready-$1.json")
  local out
  out=$("$build/bench/gateway_load" --transport "$transport" --port "$port" \
    --key-file "$data/gw.key" --connections "$connections" --seconds "$seconds" --warmup 0 \
    --verify-every 1000000)
  kill "$pid"
  wait "$pid" || true
  local trips
  trips=$(sed -n 's/.* \([0-9]*\) round trips in .*/\1/p' <<<"$out")
  echo "$(sed -n 's/^summary: *\([0-9]*\)/\1/p' "$work/callgrind.$1") $trips" \
    "$(python3 "$(dirname "$0")/callgrind_calls.py" "$work/callgrind.$1" malloc calloc realloc)"
}
read -r short_ir short_trips short_allocs < <(measure "$seconds")
read -r long_ir long_trips long_allocs < <(measure "$((seconds * 2))")
awk -v a="$short_ir" -v b="$short_trips" -v c="$long_ir" -v d="$long_trips" -v t="$transport" \
  -v e="$short_allocs" -v f="$long_allocs" \
  'BEGIN { if (d <= b) { print "instructions_bench.sh: the longer load did no more" > "/dev/stderr"; exit 1 }
           printf "%-9s %d and %d round trips under callgrind: %.0f instructions and %.1f allocations per round trip\n",
                  t, b, d, (c - a) / (d - b), (f - e) / (d - b) }'
