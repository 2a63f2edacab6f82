#!/usr/bin/env bash
# Builds the libFuzzer targets (clang) and runs each for a bounded time, seeded with Paystack's
# official samples. Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] (default 20). A crash fails.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
samples="$PWD/tests/data/paystack-samples"
cmake --preset fuzz >/dev/null
# FUZZ_NICE=N builds at a lower priority (scripts/test.sh: beside its background tests).
nice -n "${FUZZ_NICE:-0}" cmake --build --preset fuzz --target reply_fuzzer http_reply_fuzzer webhook_fuzzer sim_request_fuzzer

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/reply" "$work/http" "$work/webhook" "$work/sim"
i=0
for f in "$samples"/api/*/*/response.json "$samples"/guides/terminal/*/*/index.json; do
  [ -f "$f" ] && cp "$f" "$work/reply/$((i++)).json"
done
cp fuzz/seeds/reply/* "$work/reply/"  # the sample reply bodies themselves
cp fuzz/seeds/sim/* "$work/sim/"      # valid requests to the simulator (raw and shaped)
# HTTP replies around the sample bodies: Content-Length, chunked, close-delimited
for f in "$samples"/api/terminal/*/response.json; do
  [ -f "$f" ] || continue
  len=$(wc -c <"$f")
  { printf 'AHTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n' "$len"; cat "$f"; } > "$work/http/$((i++))"
  { printf 'BHTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n' "$len"; cat "$f"; printf '\r\n0\r\n\r\n'; } > "$work/http/$((i++))"
  { printf 'CHTTP/1.0 502 Bad Gateway\r\n\r\n'; cat "$f"; } > "$work/http/$((i++))"
done
for f in "$samples"/guides/*/*/events/*.json; do
  [ -f "$f" ] || continue
  # header line (a wrong signature) + body
  { printf '%0128d\n' 0; cat "$f"; } > "$work/webhook/$((i++))"
done

run() {
  local exe="$1" corpus="$2"
  shift 2
  echo "fuzz: $(basename "$exe") for ${seconds}s ($(ls "$corpus" | wc -l) seeds)"
  "$exe" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/" "$@" "$corpus" 2>&1 | grep -E "^(stat::number_of_executed_units|==|SUMMARY|reply readers disagree)" || true
  # libFuzzer exits non-zero on a finding; pipefail would hide it behind grep, so check again
  if ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* >/dev/null 2>&1; then
    echo "fuzz: $(basename "$exe") found a failing input:"; ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null
    exit 1
  fi
}
run build/fuzz/fuzz/reply_fuzzer "$work/reply" -dict=fuzz/reply.dict
run build/fuzz/fuzz/http_reply_fuzzer "$work/http"
run build/fuzz/fuzz/webhook_fuzzer "$work/webhook"
run build/fuzz/simulator/sim_request_fuzzer "$work/sim"
