#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang-16 under ASan+UBSan into build-fuzz and
# runs them, two at a time (one per core), each from its committed corpus. New inputs that add
# coverage go into the corpus directory (tests/fuzz/corpus/TARGET), to be committed.
#   scripts/fuzz.sh [--seconds S] [--jobs N] [TARGET...]   default: 60 s each, every target
#   scripts/fuzz.sh --smoke                                 what .ci/run does: 20 s each, and
#                   the committed corpus is only read (new inputs go to build-fuzz/new-corpus)
# A crash leaves its input as build-fuzz/findings/crash-* and makes the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60 jobs=2 targets=() smoke=0
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --smoke) seconds=20 smoke=1; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_fernet fuzz_message_json fuzz_dispatcher fuzz_http_request
  fuzz_tcp_lines fuzz_websocket_read fuzz_websocket_frames fuzz_config_loader fuzz_device_file
  fuzz_topic_match fuzz_cidr fuzz_mqtt_import)

scripts/install-deps.sh --fuzz
build=${GW_FUZZ_BUILD_DIR:-build-fuzz}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
export CCACHE_COMPILERCHECK=${CCACHE_COMPILERCHECK:-content}
generator=()
if [ ! -f "$build/CMakeCache.txt" ] && command -v ninja >/dev/null; then generator=(-G Ninja); fi
cmake -S . -B "$build" "${generator[@]}" -DGW_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-16 -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1"
cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]}"

mkdir -p "$build/findings" "$build/logs"
# Leaks are reported by LeakSanitizer at exit; the targets keep long-lived listeners on purpose.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_one() {
  local target=$1 corpus=tests/fuzz/corpus/$1
  mkdir -p "$corpus"
  # libFuzzer writes to, and when it finds a smaller equivalent input deletes from, only its first
  # corpus directory: a smoke run puts a scratch directory first so the checkout stays as committed.
  local dirs=("$corpus")
  if [ "$smoke" = 1 ]; then
    rm -rf "$build/new-corpus/$target" && mkdir -p "$build/new-corpus/$target"
    dirs=("$build/new-corpus/$target" "$corpus")
  fi
  local status=0
  "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$build/findings/$target-" \
    "${dirs[@]}" >"$build/logs/$target.log" 2>&1 || status=$?
  local execs rate
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/logs/$target.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$build/logs/$target.log")
  printf '%-20s %4s s  %9s runs  %7s runs/s  corpus %5s inputs  %s\n' "$target" "$seconds" \
    "${execs:-?}" "${rate:-?}" "$(find "${dirs[@]}" -type f | wc -l)" \
    "$([ $status -eq 0 ] && echo ok || echo "FAILED (see $build/logs/$target.log)")"
  if [ $status -ne 0 ]; then grep -A20 "ERROR\|SUMMARY" "$build/logs/$target.log" | head -40 >&2; fi
  return $status
}
failed=0
running=0
for target in "${targets[@]}"; do
  run_one "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n || failed=1; running=$((running - 1)); fi
done
while [ "$running" -gt 0 ]; do wait -n || failed=1; running=$((running - 1)); done
exit $failed
