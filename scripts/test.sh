#!/usr/bin/env bash
# Every test: installs the Debian packages, checks the format, then builds and runs the whole
# suite twice: the dev build (warnings are errors) and under AddressSanitizer + UBSan. Finally
# the fuzz targets run briefly (clang/libFuzzer). This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

echo "== format (clang-format)"
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

echo "== dev build and tests"
cmake --workflow --preset dev

echo "== ASan + UBSan build and tests"
cmake --workflow --preset asan-ubsan

echo "== fuzz targets (bounded)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
