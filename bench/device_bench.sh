#!/usr/bin/env bash
# What a key per device costs: for 1, 100 and 1,000 devices in the devices file (or the counts
# given), a Release gatewayd (one network thread, pinned to core 1) and device_load (pinned to
# core 0) sending UDP handshakes and session-less requests from the file's last devices: a new
# session's handshake, whose key is searched for among all; a request from a device its host
# was last heard with (tried first); a request whose key is searched for; and one under the
# shared key. The cost per device is the slope from the fewest devices to the most, in the same
# run. The budget of keys searched per second is lifted (--key-search-rate 0): what a search
# costs is measured, not the bound on it. Figures are printed, nothing asserted.
#   device_bench.sh BUILD_DIR [--seconds S] [--devices "1 100 1000"] [--in-flight W]
set -euo pipefail

build=${1:?usage: device_bench.sh BUILD_DIR [--seconds S] [--devices \"1 100 1000\"] [--in-flight W]}
shift
seconds=2 counts="1 100 1000" in_flight=16
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --devices) counts=$2; shift 2 ;;
    --in-flight) in_flight=$2; shift 2 ;;
    *) echo "device_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

load=$build/bench/device_load
source "$(dirname "$0")/start_gatewayd.sh"
pin_load=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then gateway_cpu=1 pin_load=(taskset -c 0); fi

declare -A us
for count in $counts; do
  devices=$(mktemp -d)
  "$load" --write "$count" "$devices/devices.toml"
  start_gatewayd "$build" --http-port off --ws-port off --tcp-port off --udp-port 0 --threads 1 \
    --storage memory --max-sessions 1000000 --key-search-rate 0 --devices-file "$devices/devices.toml"
  out=$("${pin_load[@]}" "$load" --devices "$devices/devices.toml" --port "$(port udp)" \
    --shared-key-file "$gateway_key" --seconds "$seconds" --in-flight "$in_flight")
  echo "$out"
  for measure in "request, hinted" "request, searched" "request, shared key" "handshake, new session"; do
    us[$count,$measure]=$(sed -n "s/^ *$measure *[0-9]* requests\/s *\([0-9.]*\) us each/\1/p" <<<"$out")
  done
  stop_gatewayd
  rm -rf "$devices"
done

first=${counts%% *} last=${counts##* }
if [ "$first" != "$last" ]; then
  for measure in "request, hinted" "request, searched" "request, shared key" "handshake, new session"; do
    awk -v a="${us[$first,$measure]}" -v b="${us[$last,$measure]}" -v n="$first" -v m="$last" \
      -v what="$measure" 'BEGIN {
        printf "cost per device, %s: %.3f us (%.2f us with %d devices, %.2f us with %d; x%.2f)\n",
          what, (b - a) / (m - n), a, n, b, m, b / a }'
  done
fi
