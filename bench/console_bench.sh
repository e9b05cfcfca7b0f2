#!/usr/bin/env bash
# The browser console at 1,000 messages a second (bench/console/console_bench.mjs), in Debian's
# headless Chromium, with the playwright-core the browser test installed into the build.
#   console_bench.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=$(realpath "${1:?usage: console_bench.sh BUILD_DIR [SECONDS]}")
GATEWAYD=$build/gateway/gatewayd/gatewayd CHROMIUM=/usr/bin/chromium \
  GW_BROWSER_MODULES=$build/tests/browser/node_modules PYTHON=/usr/bin/python3 \
  node "$(dirname "$0")/console/console_bench.mjs" "${2:-5}"
