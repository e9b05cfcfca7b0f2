#!/usr/bin/env bash
# Calls per second through a service a client provides, beside the gateway's own ping in the
# same run: a C++ library service, then a Python one (clients/python), each with one call in
# flight and with many (bench/services/services_bench.cpp, bench/services/python_provider.py).
#   services_bench.sh BUILD_DIR [--seconds S] [--in-flight N]
set -euo pipefail
build=${1:?usage: services_bench.sh BUILD_DIR [--seconds S] [--in-flight N]}
shift
here=$(dirname "$0")
source "$here/start_gatewayd.sh"
start_gatewayd "$build" --http-port 0 --ws-port 0 --udp-port 0 --tcp-port 0
url="ws://127.0.0.1:$(port ws)/ws"
echo "gatewayd on 127.0.0.1, $(nproc) cores shared with the callers and the providers"
"$build/bench/services_bench" --key-file "$gateway_key" --url "$url" --service cpp-echo \
  --provide "$@"
# The Python provider runs until its standard input closes (this script's end) or 300 s, under
# Debian's python3, which has the packages it needs (python3-cryptography, python3-websocket).
coproc provider { /usr/bin/python3 "$here/services/python_provider.py" "$gateway_key" "$(port ws)" py-echo; }
read -r -t 20 ready <&"${provider[0]}" || true
[ "${ready:-}" = ready ] || { echo "the Python provider did not start" >&2; exit 1; }
"$build/bench/services_bench" --key-file "$gateway_key" --url "$url" --service py-echo \
  --label Python "$@"
