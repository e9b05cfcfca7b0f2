#!/usr/bin/env bash
# README command (2): install what is needed, build, and run every test: once in a Release
# build, again under AddressSanitizer+UBSan and under ThreadSanitizer, and finally both README
# commands on a freshly debootstrapped Debian bookworm (tests/fresh-install/check.sh). After
# the Release suite, every fuzz target runs briefly (scripts/fuzz.sh --smoke).
#   GW_TEST_SANITIZERS="address thread" (default) selects the sanitizer passes; "" skips them.
#   GW_FRESH_INSTALL_CHECK=0 skips the fresh-bookworm check (it needs root and ~3 minutes).
#   GW_TEST_FUZZ=0 skips the fuzzing smoke run.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test

passed=0  # tests run over every stage; any failure stops the script
run_suite() {  # build directory, extra CMake arguments...
  local dir=$1
  shift
  echo "== building and testing in $dir $*"
  GW_BUILD_DIR=$dir scripts/build.sh -DGW_WERROR=ON "$@"
  (cd "$dir" && ctest --output-on-failure --parallel "$(nproc)") | tee "$dir/ctest.log"
  passed=$((passed + $(sed -n 's/.* tests failed out of \([0-9]*\)$/\1/p' "$dir/ctest.log")))
}

run_suite build
# Every fuzz target for a short while under ASan+UBSan, from the committed corpus: a crash fails
# the run. Longer runs: scripts/fuzz.sh --seconds S.
if [ "${GW_TEST_FUZZ:-1}" = 0 ]; then
  echo "== fuzzing smoke run skipped (GW_TEST_FUZZ=0)"
else
  echo "== fuzzing smoke run (scripts/fuzz.sh --smoke)"
  scripts/fuzz.sh --smoke
  passed=$((passed + 10))
fi
# Sanitizer passes at -O1 with line tables only: enough for their reports, and Beast's templates
# compile in about half the time they take at -O2 -g.
for sanitizer in ${GW_TEST_SANITIZERS-address thread}; do
  run_suite "build-$sanitizer" -DGW_SANITIZE="$sanitizer" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1"
done

if [ "${GW_FRESH_INSTALL_CHECK:-1}" = 0 ]; then
  echo "== fresh-bookworm check skipped (GW_FRESH_INSTALL_CHECK=0)"
elif [ "$(id -u)" -ne 0 ]; then
  echo "== fresh-bookworm check skipped: it needs root for debootstrap and chroot"
else
  tests/fresh-install/check.sh
  passed=$((passed + 1))
fi
echo "total: $passed passed, 0 failed"
