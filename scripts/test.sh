#!/usr/bin/env bash
# Every test: installs the Debian packages, checks the format, then builds and runs the whole
# suite twice: the dev build (warnings are errors) and under AddressSanitizer + UBSan. Finally
# the fuzz targets run briefly (clang/libFuzzer). This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

echo "== format (clang-format)"
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

echo "== no co_await inside a condition or a larger expression (GCC 12 miscompiles some)"
bash scripts/check-co-await.sh

echo "== dev build and tests"
cmake --workflow --preset dev

echo "== cmake --install, then find_package(paystack) from a separate project"
rm -rf build/install-check build/install-consumer
cmake --install build/dev --prefix build/install-check >/dev/null
cmake -S tests/install -B build/install-consumer -G Ninja \
  -DCMAKE_PREFIX_PATH="$PWD/build/install-check" >/dev/null
cmake --build build/install-consumer
build/dev/tests/examples/run_with_sim build/install-consumer/list_terminals

echo "== ASan + UBSan build and tests"
cmake --workflow --preset asan-ubsan

echo "== fuzz targets (bounded)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"

echo "== benchmarks, briefly (proves they run; no timing asserted)"
bash scripts/bench.sh
