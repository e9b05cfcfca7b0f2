#!/usr/bin/env bash
# Publish rate through a real gatewayd with few and with many unrelated topic filters held, in
# one run (bench/topics/topic_bench.cpp): what a key holder's filters cost everyone else's
# publishes. The cost ratio (time per publish, many / few) is the figure; 1.0 is no cost.
#   topic_bench.sh BUILD_DIR [--sessions N] [--few N] [--many N] [--publishes N] [--rounds N]
set -euo pipefail

build=${1:?usage: topic_bench.sh BUILD_DIR [topic_bench options...]}
shift
source "$(dirname "$0")/start_gatewayd.sh"
# Room for the sessions and their filters.
start_gatewayd "$build" --http-port off --ws-port off --udp-port off --tcp-port 0 \
  --max-connections 8192 --max-subscriptions 4096
echo "gatewayd tcp $(port tcp) on 127.0.0.1, $(nproc) cores shared with the load"
"$build/bench/topic_bench" --port "$(port tcp)" --key-file "$gateway_key" "$@"
