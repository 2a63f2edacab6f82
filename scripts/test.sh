#!/usr/bin/env bash
# The tests. Two modes:
#   bash scripts/test.sh --quick   the contributor's run: the format, the lints (co_await, test
#                                  names, layout) and the dev build (warnings are errors; each
#                                  public header compiled on its own) with every ctest once, in
#                                  parallel, without sanitizers
#   bash scripts/test.sh           everything (what CI runs, .ci/run): the format and the lints,
#                                  clang-tidy on the last commit's C++ files, every ctest under
#                                  AddressSanitizer + UBSan (a build with warnings as errors and
#                                  the header check too) but the chaos test, the threaded tests
#                                  under ThreadSanitizer (not the unit, compile and CLI tests:
#                                  single-threaded code), the fuzz targets briefly
#                                  (clang/libFuzzer), the Debian packages built (with the
#                                  benchmarks, run once), the shared library's exports and ABI,
#                                  lintian, installed in a clean Debian 12 root and used there
#                                  (check-package.sh), the add_subdirectory and FetchContent
#                                  consumers, the install check,
#                                  and last the chaos tests (label chaos: fleet.chaos and
#                                  fleet.serve_nginx, many processes at once, too slow under a
#                                  sanitizer) from the dev preset's build of their targets only.
#                                  A sanitizer's tests run in the background while the next
#                                  build runs (niced: the tests keep their CPU); their output is
#                                  printed when they end.
# Both end with a table of each step's time (doc/performance.md, "Build and test times").
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  *) echo "usage: bash scripts/test.sh [--quick]" >&2; exit 2 ;;
esac
bash scripts/install-deps.sh
# Each step says when it started (seconds since this script began), so a slow CI run shows where;
# the table at the end (also printed when a step fails) gives each step's seconds.
step_names=()
step_starts=()
bg_times=()
step() {
  step_names+=("$*")
  step_starts+=("$SECONDS")
  echo "== $* (at ${SECONDS}s)"
}
step_table() {
  local rc=$? i n=${#step_names[@]} end
  [ "$n" -gt 0 ] || return 0
  echo
  printf '%-84s %8s\n' "step" "seconds"
  for ((i = 0; i < n; i++)); do
    if ((i + 1 < n)); then end=${step_starts[i + 1]}; else end=$SECONDS; fi
    printf '%-84s %8d\n' "${step_names[i]:0:84}" $((end - step_starts[i]))
  done
  printf '%-84s %8d\n' "total" "$SECONDS"
  for ((i = 0; i < ${#bg_times[@]}; i++)); do echo "background: ${bg_times[i]}"; done
  [ "$rc" -eq 0 ] || echo "(failed in the last step, exit $rc)"
}
trap step_table EXIT

step "format (clang-format)"
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

step "no co_await inside a condition or a larger expression (GCC 12 miscompiles some)"
bash scripts/check-co-await.sh
bash scripts/check-test-names.sh

step "layout: what each part may not include (doc/layout.md)"
bash scripts/check-layout.sh

if [ "$quick" = 1 ]; then
  step "dev build (and each public header on its own)"
  cmake --preset dev >/dev/null
  cmake --build --preset dev
  # The API reference (Doxygen over include/paystack/; an undocumented public name fails) is ctest
  # package.api_reference_has_no_warning; the doc map and doc line lints are ctests too.
  step "dev tests (ctest, in parallel: CMakePresets.json)"
  ctest --preset dev
  step "quick run passed (the full run, as CI: bash scripts/test.sh)"
  exit 0
fi

# A test run in the background, beside the next build: its output goes to a log printed when it
# is waited for; the step table shows its own seconds.
bg_pid=""
bg_name=""
bg_log=""
bg_start() {
  bg_name="$1"
  shift
  bg_log="$(mktemp)"
  step "$bg_name (in the background)"
  local start=$SECONDS
  (
    rc=0
    "$@" >"$bg_log" 2>&1 || rc=$?
    echo "== $bg_name took $((SECONDS - start))s, exit $rc" >>"$bg_log"
    exit "$rc"
  ) &
  bg_pid=$!
}
bg_wait() {
  [ -n "$bg_pid" ] || return 0
  step "waiting for: $bg_name"
  local rc=0
  wait "$bg_pid" || rc=$?
  cat "$bg_log"
  bg_times+=("$(tail -n 1 "$bg_log" | sed 's/^== //')")
  rm -f "$bg_log"
  bg_pid=""
  if [ "$rc" -ne 0 ]; then echo "$bg_name failed (exit $rc)"; exit "$rc"; fi
}
trap 'if [ -n "$bg_pid" ]; then kill "$bg_pid" 2>/dev/null || true; fi' INT TERM

step "clang-tidy (.clang-tidy) on the C++ files of the last commit (dev preset's compile database)"
cmake --preset dev >/dev/null
bash scripts/tidy.sh

step "ASan + UBSan build (warnings are errors; each public header on its own)"
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan
bg_start "ASan + UBSan tests: every ctest" ctest --preset asan-ubsan

step "ThreadSanitizer build (niced, beside the ASan tests)"
cmake --preset tsan >/dev/null
nice -n 15 cmake --build --preset tsan
bg_wait
bg_start "ThreadSanitizer tests" ctest --preset tsan

step "fuzz targets (bounded; the build niced, beside the TSan tests)"
FUZZ_NICE=15 bash scripts/fuzz.sh "${FUZZ_SECONDS:-15}"

# The package build has the benchmarks too (not packaged): one release build serves both.
# The packages are installed into a clean Debian 12 root (debootstrap, cached in
# /var/cache/paystack-check-root), never on this machine: the core's consumers must build there
# without libsqlite3-dev and libpq-dev (issue 23).
step "Debian packages: build (niced), exports, ABI, lintian, installed in a clean Debian 12 root and used"
package_rc=0
PACKAGE_NICE=15 bash scripts/check-package.sh || package_rc=$?
if [ "$package_rc" -eq 75 ]; then
  # No Debian mirror to debootstrap from: the same consumers on this machine instead, which has
  # libsqlite3-dev and libpq-dev, so the core-without-them proof is not made here.
  echo "WARNING: no clean Debian 12 root on this machine: installing the packages here instead"
  PACKAGE_NICE=15 bash scripts/check-package.sh --host
elif [ "$package_rc" -ne 0 ]; then
  exit "$package_rc"
fi

step "paystack-cpp from source: add_subdirectory and FetchContent consumers (niced)"
PACKAGE_NICE=15 bash tests/package/source_consumers.sh . build/source-consumers build/package/simulator/paystack-sim

step "benchmarks, briefly, from the package build (proves they run; no timing asserted)"
BENCH_SKIP_BUILD=1 BENCH_BUILD_DIR=build/package bash scripts/bench.sh

step "cmake --install of the package build, then find_package(paystack) from a separate project"
rm -rf build/install-check build/install-consumer
cmake --install build/package --prefix build/install-check >/dev/null
cmake -S tests/install -B build/install-consumer -G Ninja \
  -DCMAKE_PREFIX_PATH="$PWD/build/install-check" >/dev/null
cmake --build build/install-consumer
build/asan-ubsan/tests/examples/run_with_sim build/install-consumer/list_terminals

bg_wait
# The tests registered in builds without sanitizers only (label chaos: issue 15's chaos test, ~20
# paystack-terminal processes at once; issue 24's fleet.serve_nginx, 3 serve instances behind
# nginx): their targets alone in the dev preset, run last, alone.
step "dev build of the chaos tests' targets only, then the chaos tests"
cmake --build --preset dev --target fleet_chaos_tests paystack-terminal
ctest --preset dev -L '^chaos$'

step "all passed"
