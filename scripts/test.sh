#!/usr/bin/env bash
# Every test: installs the Debian packages, checks the format and the layout (doc/layout.md),
# then builds and runs the whole suite three times: the dev build (warnings are errors; then
# clang-tidy on the last commit's C++ files), under AddressSanitizer + UBSan, and under
# ThreadSanitizer. Then the fuzz targets run briefly (clang/libFuzzer), the benchmarks once,
# and the Debian packages are built, checked by lintian, installed on this machine and used
# (scripts/check-package.sh --host). This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Each step says when it started (seconds since this script began), so a slow CI run shows where.
step() { echo "== $* (at ${SECONDS}s)"; }

step "format (clang-format)"
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

step "no co_await inside a condition or a larger expression (GCC 12 miscompiles some)"
bash scripts/check-co-await.sh
bash scripts/check-test-names.sh

step "layout: what each part may not include (doc/layout.md)"
bash scripts/check-layout.sh

step "dev build and tests"
cmake --workflow --preset dev

step "API reference (Doxygen over include/paystack/; an undocumented public name fails)"
cmake --build build/dev --target docs

step "clang-tidy (.clang-tidy) on the C++ files of the last commit"
bash scripts/tidy.sh

step "cmake --install, then find_package(paystack) from a separate project"
rm -rf build/install-check build/install-consumer
cmake --install build/dev --prefix build/install-check >/dev/null
cmake -S tests/install -B build/install-consumer -G Ninja \
  -DCMAKE_PREFIX_PATH="$PWD/build/install-check" >/dev/null
cmake --build build/install-consumer
build/dev/tests/examples/run_with_sim build/install-consumer/list_terminals

step "ASan + UBSan build and tests"
cmake --workflow --preset asan-ubsan

step "ThreadSanitizer build and tests"
cmake --workflow --preset tsan

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
