#!/usr/bin/env bash
# Sets up, builds and runs every test (ctest: C++, C, Python, CLI, schema, packaging).
#   scripts/test.sh              the normal build, in build/
#   scripts/test.sh --sanitize   the same tests under AddressSanitizer + UBSan, in build-asan/
#   scripts/test.sh --clang      the same tests built with clang (warnings as errors), in build-clang/
# Extra arguments after -- go to ctest (e.g. scripts/test.sh -- -R cpp).
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=0
clang=0
ctest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize) sanitize=1 ;;
    --clang) clang=1 ;;
    --) shift; ctest_args=("$@"); break ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
if [ "$sanitize" = 1 ]; then
  dir=build-asan
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DPM_SANITIZE=ON -DPM_WERROR=ON -DPM_BUILD_BENCH=ON
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
elif [ "$clang" = 1 ]; then
  dir=build-clang
  # Debug: this build is for clang's warnings and a second compiler's view of the tests; it
  # compiles faster unoptimized, which keeps CI short. The benchmarks (built and smoke-run by
  # the two g++ builds) and the browser test (the same HTML as the g++ build's) are left out.
  CC=clang CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DPM_WERROR=ON \
    -DPM_BUILD_BENCH=OFF -DPM_BROWSER_TESTS=OFF
else
  dir=build
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPM_WERROR=ON
fi
cmake --build "$dir" -j"$jobs"
ctest --test-dir "$dir" --output-on-failure -j"$jobs" "${ctest_args[@]}"
