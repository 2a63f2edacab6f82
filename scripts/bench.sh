#!/usr/bin/env bash
# Builds the benchmarks (release preset) and runs a short smoke run that proves they work:
#   1. paystack-bench against an embedded simulator (fetch-terminal, status, list, send-event, walk)
#   2. paystack-bench against a separately started paystack-sim (fetch-terminal)
#   3. benchmarks/serve_bench.py: 40 charges through `paystack-terminal serve` (exit 1 unless all paid)
#   4. every micro-benchmark, briefly
# No timing is asserted: the script fails only when a tool exits non-zero (paystack-bench exits
# 1 when any call failed, i.e. errors > 0; the micro-benchmarks exit 1 when a check failed).
# Full measurements and their commands: doc/performance.md.
#
#   bash scripts/bench.sh             # build + smoke run
#   BENCH_SKIP_BUILD=1 bash scripts/bench.sh
set -euo pipefail

cd "$(dirname "$0")/.."
# BENCH_BUILD_DIR: another build with the benchmarks (CI: build/package, with BENCH_SKIP_BUILD=1).
build="${BENCH_BUILD_DIR:-build/release}"
jobs="${BENCH_JOBS:-2}"

if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$jobs" --target paystack-bench paystack-micro-bench paystack-sim \
    paystack-terminal
fi

bench="$build/benchmarks/paystack-bench"
micro="$build/benchmarks/paystack-micro-bench"
simexe="$build/simulator/paystack-sim"

# Check a JSON line of paystack-bench: errors must be 0 and every call must have completed.
check_json() {
  local line="$1"
  python3 - "$line" <<'EOF'
import json, sys
r = json.loads(sys.argv[1])
assert r["errors"] == 0, f"errors: {r['errors']} {r['errors_by_kind']}"
assert r["completed"] == r["requests"], f"completed {r['completed']} of {r['requests']}"
EOF
}

run_bench() {
  echo "+ paystack-bench $*"
  local out
  out="$("$bench" "$@")"
  echo "$out"
  check_json "$(tail -n 1 <<<"$out")"
}

echo "== paystack-bench against an embedded simulator"
run_bench --embedded-sim --operation fetch-terminal --requests 3000 --concurrency 64 --connections 16
run_bench --embedded-sim --operation status --requests 1000 --concurrency 16 --connections 4
run_bench --embedded-sim --operation list --requests 500 --concurrency 8 --connections 4
run_bench --embedded-sim --operation send-event --requests 500 --concurrency 8 --connections 4
run_bench --embedded-sim --operation walk --sim-terminals 1000 --per-page 100 --requests 2 \
  --expect-terminals 1000
run_bench --embedded-sim --operation fetch-terminal --requests 2000 --concurrency 2000 \
  --connections 8

echo "== paystack-bench against paystack-sim (separate process)"
port="${BENCH_SIM_PORT:-0}"
simlog="$(mktemp)"
"$simexe" --port "$port" --secret-key sk_test_bench_smoke --terminals 5 >"$simlog" 2>&1 &
simpid=$!
cleanup() {
  kill "$simpid" 2>/dev/null || true
  wait "$simpid" 2>/dev/null || true
  rm -f "$simlog"
}
trap cleanup EXIT
url=""
for _ in $(seq 1 100); do
  url="$(awk '/^paystack-sim listening on /{print $4; exit}' "$simlog")"
  [ -n "$url" ] && break
  kill -0 "$simpid" 2>/dev/null || { cat "$simlog"; echo "paystack-sim did not start"; exit 1; }
  sleep 0.05
done
[ -n "$url" ] || { cat "$simlog"; echo "paystack-sim did not print its address"; exit 1; }
PAYSTACK_SECRET_KEY=sk_test_bench_smoke run_bench --base-url "$url" --operation fetch-terminal \
  --requests 3000 --concurrency 64 --connections 16
cleanup
trap - EXIT

echo "== the charge service (benchmarks/serve_bench.py, briefly: doc/performance.md has the figures)"
python3 benchmarks/serve_bench.py --bin "$build/cli/paystack-terminal" --rate 20 --seconds 2 \
  --terminals 50 --probe-rate 20

echo "== micro-benchmarks"
"$micro" --benchmark_min_time=0.05

echo "bench.sh: all tools ran without errors"
