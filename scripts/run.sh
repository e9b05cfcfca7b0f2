#!/usr/bin/env bash
# README command (1): install what is needed, build, and run gatewayd with its embedded
# defaults. On first start it creates ./gw-data with a commented config file and a key file
# (mode 0600), then prints each listener's address, the key file and the console URL.
# Arguments are passed to gatewayd (try --help); Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh
exec build/gateway/gatewayd/gatewayd "$@"
