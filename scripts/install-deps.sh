#!/usr/bin/env bash
# Installs the Debian bookworm packages gw needs. Idempotent: packages already present are not
# touched, and the package lists are refreshed only when something is missing.
#   scripts/install-deps.sh          build dependencies
#   scripts/install-deps.sh --test   build and test dependencies (the fuzzer's included)
#   scripts/install-deps.sh --fuzz   build dependencies and clang-16 for the fuzz targets
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config ccache
  libboost1.81-dev libssl-dev nlohmann-json3-dev catch2
  libtomlplusplus-dev libcli11-dev libspdlog-dev libcsv-dev libsqlite3-dev sqlite3 libnats-dev rapidjson-dev
  libmosquitto-dev
)
# npm installs the browser console's packages from its lockfile and bundles them. A Node.js
# installed otherwise (with its own npm) is used as it is, rather than replaced.
command -v npm >/dev/null 2>&1 || build_packages+=(nodejs npm)
# Real third-party peers for the tests (Debian's Python with the reference Fernet
# implementation, requests, websocket-client, curl; wrk for the benchmark), and debootstrap
# for the fresh-bookworm check of the README commands; iproute2 builds the network-namespace LAN
# of the discovery tests; chromium runs the browser console's test (driven by playwright-core,
# which tests/browser installs from its lockfile); docker-compose validates the compose file and
# systemd's systemd-analyze the unit, both offline (tests/deploy); nats-server, started by the
# cluster tests, with JetStream; nginx-light, the HTTP peer bench/http_peer_bench.sh starts on a
# loopback port (where Debian starts its own nginx service on port 80, the project never uses it);
# python3-pip and python3-setuptools install the Python client package (clients/python) in its test;
# mosquitto and mosquitto-clients are the MQTT broker and clients of the bridge's tests and bench
# (each started on a loopback port; Debian's own mosquitto service, if it starts, is never used).
test_packages=(python3 python3-cryptography python3-requests python3-websocket python3-pip
  python3-setuptools curl wrk debootstrap iproute2 chromium docker-compose systemd nats-server
  nginx-light mosquitto mosquitto-clients)

# clang-16 with libFuzzer and its sanitizer runtimes, for the fuzz targets (scripts/fuzz.sh).
fuzz_packages=(clang-16 libclang-rt-16-dev)

packages=("${build_packages[@]}")
case "${1:-}" in
  --test) packages+=("${test_packages[@]}" "${fuzz_packages[@]}") ;;
  --fuzz) packages+=("${fuzz_packages[@]}") ;;
  "") ;;
  *) echo "usage: $0 [--test | --fuzz]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run this script as root (or with sudo)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
