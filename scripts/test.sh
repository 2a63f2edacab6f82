#!/usr/bin/env bash
# Every test: installs the Debian packages, checks the format and the layout (doc/layout.md),
# then builds and runs the whole suite three times: the dev build (warnings are errors; then
# clang-tidy on the last commit's C++ files), under AddressSanitizer + UBSan, and under
# ThreadSanitizer. Finally the fuzz targets run briefly (clang/libFuzzer) and the benchmarks
# once. This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

echo "== format (clang-format)"
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

echo "== no co_await inside a condition or a larger expression (GCC 12 miscompiles some)"
bash scripts/check-co-await.sh
bash scripts/check-test-names.sh

echo "== layout: what each part may not include (doc/layout.md)"
bash scripts/check-layout.sh

echo "== dev build and tests"
cmake --workflow --preset dev

echo "== clang-tidy (.clang-tidy) on the C++ files of the last commit"
bash scripts/tidy.sh

echo "== cmake --install, then find_package(paystack) from a separate project"
rm -rf build/install-check build/install-consumer
cmake --install build/dev --prefix build/install-check >/dev/null
cmake -S tests/install -B build/install-consumer -G Ninja \
  -DCMAKE_PREFIX_PATH="$PWD/build/install-check" >/dev/null
cmake --build build/install-consumer
build/dev/tests/examples/run_with_sim build/install-consumer/list_terminals

echo "== ASan + UBSan build and tests"
cmake --workflow --preset asan-ubsan

echo "== ThreadSanitizer build and tests"
cmake --workflow --preset tsan

echo "== fuzz targets (bounded)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"

echo "== benchmarks, briefly (proves they run; no timing asserted)"
bash scripts/bench.sh
