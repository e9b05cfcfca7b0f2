#!/usr/bin/env bash
# Configures and builds gw into ./build (Release unless CMAKE_BUILD_TYPE says otherwise).
# Extra arguments go to the CMake configure step, e.g. -DGW_SANITIZE=address.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${GW_BUILD_DIR:-build}
# ccache (found by CMakeLists.txt) shares its cache between checkouts: paths are hashed relative
# to the checkout, so a second clone, such as CI's, compiles only what changed.
# The compiler is recognised by its content, not its file's time, so that another machine's
# identical compiler (the fresh-install check's chroot) shares the cache too.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
export CCACHE_COMPILERCHECK=${CCACHE_COMPILERCHECK:-content}
generator=()
if [ ! -f "$build_dir/CMakeCache.txt" ] && command -v ninja >/dev/null; then generator=(-G Ninja); fi
cmake -S . -B "$build_dir" "${generator[@]}" "$@"
cmake --build "$build_dir" --parallel "$(nproc)"
