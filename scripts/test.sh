#!/usr/bin/env bash
# The tests. Two modes:
#   bash scripts/test.sh --quick   the contributor's run: the format, the lints (co_await, test
#                                  names, layout) and the dev build (warnings are errors; each
#                                  public header compiled on its own) with every ctest once, in
#                                  parallel, without sanitizers
#   bash scripts/test.sh           everything (what CI runs, .ci/run): the quick run, then
#                                  clang-tidy on the last commit's C++ files, the install check,
#                                  the suite under AddressSanitizer + UBSan and under
#                                  ThreadSanitizer (each without the tests that run no code of
#                                  this project's under the sanitizer: lints, docs and package
#                                  metadata; TSan also without the single-threaded unit tests),
#                                  the fuzz targets briefly (clang/libFuzzer), the benchmarks
#                                  once, and the Debian packages built, checked by lintian,
#                                  installed on this machine and used (check-package.sh --host)
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

step "dev build (and each public header on its own)"
cmake --preset dev >/dev/null
cmake --build --preset dev

# The API reference (Doxygen over include/paystack/; an undocumented public name fails) is ctest
# package.api_reference_has_no_warning; the doc map and doc line lints are ctests too.
step "dev tests (ctest, in parallel: CMakePresets.json)"
ctest --preset dev

if [ "$quick" = 1 ]; then
  step "quick run passed (the full run, as CI: bash scripts/test.sh)"
  exit 0
fi

step "clang-tidy (.clang-tidy) on the C++ files of the last commit"
bash scripts/tidy.sh

step "cmake --install, then find_package(paystack) from a separate project"
rm -rf build/install-check build/install-consumer
cmake --install build/dev --prefix build/install-check >/dev/null
cmake -S tests/install -B build/install-consumer -G Ninja \
  -DCMAKE_PREFIX_PATH="$PWD/build/install-check" >/dev/null
cmake --build build/install-consumer
build/dev/tests/examples/run_with_sim build/install-consumer/list_terminals

step "ASan + UBSan build"
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan
step "ASan + UBSan tests"
ctest --preset asan-ubsan

step "ThreadSanitizer build"
cmake --preset tsan >/dev/null
cmake --build --preset tsan
step "ThreadSanitizer tests"
ctest --preset tsan

step "fuzz targets (bounded)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"

# The release build of the benchmarks and the package build share ccache entries (same flags,
# paths relative to the source tree).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

step "benchmarks, briefly (proves they run; no timing asserted)"
bash scripts/bench.sh

step "Debian packages: build, lintian, install on this machine, the two consumers"
bash scripts/check-package.sh --host
# The same in a clean debootstrapped Debian 12 root: about 2.5 min with its cache warm, 8 or so
# on a fresh machine (debootstrap, tools), so CI leaves it to PAYSTACK_CHECK_CLEAN_ROOT=1.
if [ "${PAYSTACK_CHECK_CLEAN_ROOT:-0}" = 1 ]; then
  step "Debian packages in a clean Debian 12 root"
  bash scripts/check-package.sh
fi
step "all passed"
