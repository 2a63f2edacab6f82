#!/usr/bin/env bash
# The webhook receiver's memory under hostile connections (issue 11). Starts
# `paystack-terminal --json webhooks listen` on a free loopback port, then runs four phases of
# DURATION seconds each: 8 connections sending an endless chunk extension, 8 an endless trailer,
# 8 an endless header block (each reconnects when the receiver closes it), and 300 idle
# connections. In every phase one signed delivery is made while the attack runs and must get 200.
# Prints the receiver's VmRSS before and after each phase and its peak (VmHWM); fails when a
# delivery did not get 200 or the peak passes LIMIT_MIB (32).
#
#   cmake --build build/dev --target paystack-terminal
#   bash benchmarks/receiver_memory.sh [path/to/paystack-terminal]
#
# Needs bash (/dev/tcp), curl, openssl, timeout. Uses only an sk_test_ key. Everything it
# starts is stopped on exit; each phase is bounded by DURATION (default 4 s).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exe="${1:-}"
if [ -z "$exe" ]; then
  for b in release dev; do
    if [ -x "$root/build/$b/cli/paystack-terminal" ]; then
      exe="$root/build/$b/cli/paystack-terminal"
      break
    fi
  done
fi
[ -x "$exe" ] || { echo "paystack-terminal not found: build it or pass its path" >&2; exit 2; }
DURATION="${DURATION:-4}"
LIMIT_MIB="${LIMIT_MIB:-32}"
KEY=sk_test_receiver_memory_7d1e
OUT="$(mktemp -d /tmp/receiver-memory.XXXXXX)"

pids=()
receiver=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "$receiver" ]; then
    kill "$receiver" 2>/dev/null || true
    wait "$receiver" 2>/dev/null || true
  fi
}
trap cleanup EXIT

PAYSTACK_SECRET_KEY=$KEY "$exe" --json webhooks listen --port 0 --path /hook \
  >"$OUT/events.jsonl" 2>"$OUT/receiver.err" &
receiver=$!
port=""
for _ in $(seq 1 100); do
  port="$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/hook.*|\1|p' "$OUT/receiver.err")"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "the receiver did not start:" >&2; cat "$OUT/receiver.err" >&2; exit 1; }

kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }

# hostile <kind>: until DURATION passes, connect, send the start of a request and then 'a'
# without end (reconnecting when the receiver closes the connection).
hostile() {
  local kind="$1" start fd rest
  case "$kind" in
    extension) start=$'POST /hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;x=' ;;
    trailer) start=$'POST /hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-T: ' ;;
    header) start=$'POST /hook HTTP/1.1\r\nHost: x\r\nX-H: ' ;;
  esac
  trap '' PIPE
  local end=$((SECONDS + DURATION)) connections=0
  while [ "$SECONDS" -lt "$end" ]; do
    exec {fd}<>"/dev/tcp/127.0.0.1/$port" || continue
    connections=$((connections + 1))
    rest=$((end - SECONDS))
    if [ "$rest" -gt 0 ] && printf '%s' "$start" >&"$fd" 2>/dev/null; then
      # 'a' as fast as the receiver reads it, until it closes the connection (EPIPE) or time is up
      timeout "$rest" tr '\0' a </dev/zero >&"$fd" 2>/dev/null || true
    fi
    exec {fd}>&-
  done
  echo "$connections" >>"$OUT/connections.$kind"
}

# idle: holds 300 connections that send nothing for DURATION.
idle() {
  local fds=() fd
  for _ in $(seq 1 300); do
    exec {fd}<>"/dev/tcp/127.0.0.1/$port" && fds+=("$fd")
  done
  sleep "$DURATION"
}

# deliver <n>: one signed delivery; prints the HTTP status.
deliver() {
  local body sig
  body="{\"event\":\"charge.success\",\"data\":{\"id\":$1,\"reference\":\"memory_$1\",\"amount\":5000,\"status\":\"success\"}}"
  sig="$(printf '%s' "$body" | openssl dgst -sha512 -hmac "$KEY" | sed 's/^.*= //')"
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' \
    -H "x-paystack-signature: $sig" --data-binary "$body" "http://127.0.0.1:$port/hook" || true
}

echo "receiver: $exe (pid $receiver, port $port); $DURATION s per phase"
echo "start: VmRSS $(mib "$(kib "$receiver" VmRSS)")"
failed=0
n=0
for phase in extension trailer header idle; do
  n=$((n + 1))
  before="$(kib "$receiver" VmRSS)"
  pids=()
  if [ "$phase" = idle ]; then
    idle &
    pids+=($!)
  else
    for _ in 1 2 3 4 5 6 7 8; do
      hostile "$phase" &
      pids+=($!)
    done
  fi
  sleep 1  # the attack is under way
  status="$(deliver "$n")"
  wait "${pids[@]}" 2>/dev/null || true
  pids=()
  after="$(kib "$receiver" VmRSS)"
  if [ "$phase" = idle ]; then
    what="300 idle connections"
  else
    what="8 hostile, $(awk '{s += $1} END {print s}' "$OUT/connections.$phase") connections"
  fi
  printf '%-9s %-28s VmRSS %s -> %s, delivery during the attack: %s\n' "$phase" "$what:" \
    "$(mib "$before")" "$(mib "$after")" "$status"
  [ "$status" = 200 ] || failed=1
done
peak="$(kib "$receiver" VmHWM)"
events="$(wc -l <"$OUT/events.jsonl")"
echo "peak: VmHWM $(mib "$peak") (limit $LIMIT_MIB MiB); events printed: $events of $n"
[ "$events" -eq "$n" ] || failed=1
if [ "$peak" -gt $((LIMIT_MIB * 1024)) ]; then
  echo "FAIL: the receiver passed $LIMIT_MIB MiB" >&2
  failed=1
fi
if [ "$failed" -eq 0 ]; then
  echo "OK"
  rm -rf "$OUT"
else
  echo "FAIL (outputs in $OUT)" >&2
fi
exit "$failed"
