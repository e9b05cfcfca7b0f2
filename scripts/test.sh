#!/usr/bin/env bash
# README command (2): install what is needed, build, and run every test: once in a Release
# build, then again under AddressSanitizer+UBSan and under ThreadSanitizer.
#   GW_TEST_SANITIZERS="address thread" (default) selects the sanitizer passes; "" skips them.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test

run_suite() {  # build directory, extra CMake arguments...
  local dir=$1
  shift
  echo "== building and testing in $dir $*"
  GW_BUILD_DIR=$dir scripts/build.sh -DGW_WERROR=ON "$@"
  (cd "$dir" && ctest --output-on-failure --parallel "$(nproc)")
}

run_suite build
for sanitizer in ${GW_TEST_SANITIZERS-address thread}; do
  run_suite "build-$sanitizer" -DGW_SANITIZE="$sanitizer" -DCMAKE_BUILD_TYPE=RelWithDebInfo
done
