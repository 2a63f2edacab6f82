#!/usr/bin/env bash
# The measurements of doc/performance.md, (a) to (e), on a 2-core machine over loopback.
# Servers are pinned to CPU 1 and load generators to CPU 0 (except (e): the simulator on CPU 0).
# Every server started here is stopped on exit. Raw outputs go to $OUT (default /tmp/...).
#
#   cmake --preset release && cmake --build --preset release \
#       --target paystack-bench paystack-micro-bench paystack-sim
#   bash benchmarks/measure.sh [a|b|c|d|e ...]     # default: all
#
# Needs wrk, nginx, curl, python3 (bash scripts/install-deps.sh --bench). Uses only sk_test_ keys.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
B="$root/build/release"
bench="$B/benchmarks/paystack-bench"
simexe="$B/simulator/paystack-sim"
OUT="${OUT:-/tmp/paystack-measure-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
KEY=sk_test_paystack_measure
export PAYSTACK_SECRET_KEY=$KEY
SIM_PORT="${SIM_PORT:-7071}"
NGINX_PORT="${NGINX_PORT:-8089}"
DURATION="${DURATION:-10s}"
REQUESTS="${REQUESTS:-300000}"
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(a b c d e)

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
trap cleanup EXIT

log() { echo "== $*" | tee -a "$OUT/summary.txt"; }
run() {  # run <name> <command...>: output to $OUT/<name>.txt and to the terminal
  local name="$1"
  shift
  echo "+ $*" | tee "$OUT/$name.txt"
  "$@" 2>&1 | tee -a "$OUT/$name.txt"
}

wait_http() {  # wait_http <url> [header]
  for _ in $(seq 1 200); do
    if curl -fs -o /dev/null ${2:+-H "$2"} "$1"; then return 0; fi
    sleep 0.05
  done
  echo "server at $1 did not answer" >&2
  return 1
}

rss_of() {  # rss_of <pid>: "VmRSS VmHWM" in KiB
  awk '/^VmRSS|^VmHWM/ {sub(":", "", $1); printf "%s=%s KiB ", $1, $2}' "/proc/$1/status"
}

start_sim() {  # start_sim <cpu> <args...>: sets SIM_PID, SIM_TERMINAL
  local cpu="$1"
  shift
  taskset -c "$cpu" "$simexe" --port "$SIM_PORT" --secret-key "$KEY" --delivery-delay manual \
    --auto-pay-delay manual "$@" >"$OUT/sim.log" 2>&1 &
  SIM_PID=$!
  pids+=("$SIM_PID")
  wait_http "http://127.0.0.1:$SIM_PORT/_sim/health"
  for _ in $(seq 1 200); do grep -q "Press Ctrl-C" "$OUT/sim.log" && break; sleep 0.05; done
  SIM_TERMINAL="$(awk '/^  terminal /{print $2; exit}' "$OUT/sim.log")"
}

stop_all() { cleanup; }

cpu_ms() {  # cpu_ms <pid>: user+system CPU time of a process so far, in ms
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / hz}' "/proc/$1/stat"
}

start_nginx() {
  taskset -c 1 bash "$root/benchmarks/nginx/serve.sh" "$NGINX_PORT" 2872S934 >"$OUT/nginx.log" 2>&1 &
  pids+=("$!")
  wait_http "http://127.0.0.1:$NGINX_PORT/terminal/2872S934"
}

bench_fetch() {  # bench_fetch <name> <base-url> <terminal-id> [extra args]
  local name="$1" url="$2" id="$3"
  shift 3
  run "$name" taskset -c 0 "$bench" --base-url "$url" --terminal-id "$id" \
    --operation fetch-terminal --requests "$REQUESTS" --warmup 10000 --concurrency 64 \
    --connections 64 "$@"
}

for step in "${steps[@]}"; do
  case "$step" in
    a|b)
      [ "$step" = b ] && [[ " ${steps[*]} " == *" a "* ]] && continue  # (b) comes out of (a)
      log "(a)/(b) fetch-terminal, 64 calls in flight, 64 keep-alive connections"
      start_nginx
      run a-nginx-wrk /usr/bin/time -f "wrk cpu: %U s user, %S s sys" taskset -c 0 wrk -t1 -c64 -d"$DURATION" --latency \
        "http://127.0.0.1:$NGINX_PORT/terminal/2872S934"
      bench_fetch a-nginx-bench "http://127.0.0.1:$NGINX_PORT" 2872S934
      stop_all
      start_sim 1 --terminals 3
      run a-sim-wrk /usr/bin/time -f "wrk cpu: %U s user, %S s sys" taskset -c 0 wrk -t1 -c64 -d"$DURATION" --latency \
        -H "Authorization: Bearer $KEY" "http://127.0.0.1:$SIM_PORT/terminal/$SIM_TERMINAL"
      bench_fetch a-sim-bench "http://127.0.0.1:$SIM_PORT" "$SIM_TERMINAL"
      # (b) without pinning either side: the CPU cost the client pays when it shares cores.
      run b-sim-bench-unpinned "$bench" --base-url "http://127.0.0.1:$SIM_PORT" \
        --terminal-id "$SIM_TERMINAL" --operation fetch-terminal --requests "$REQUESTS" \
        --warmup 10000 --concurrency 64 --connections 64
      stop_all
      ;;
    c)
      log "(c) 10,000 calls in flight over 64 connections"
      start_sim 1 --terminals 3
      run c-10k-first taskset -c 0 "$bench" --base-url "http://127.0.0.1:$SIM_PORT" \
        --terminal-id "$SIM_TERMINAL" --operation fetch-terminal --requests 10000 \
        --concurrency 10000 --connections 64
      run c-10k-sustained taskset -c 0 "$bench" --base-url "http://127.0.0.1:$SIM_PORT" \
        --terminal-id "$SIM_TERMINAL" --operation fetch-terminal --requests 200000 \
        --concurrency 10000 --connections 64
      stop_all
      ;;
    d)
      log "(d) walking every terminal page by page (async_for_each_terminal, perPage 100)"
      start_sim 1 --terminals 10000
      run d-walk-10k taskset -c 0 "$bench" --base-url "http://127.0.0.1:$SIM_PORT" \
        --operation walk --per-page 100 --requests 1 --expect-terminals 10000
      stop_all
      start_sim 1 --terminals 100000
      echo "simulator with 100,000 terminals: $(rss_of "$SIM_PID")" | tee "$OUT/d-start.txt"
      run d-walk-100k taskset -c 0 "$bench" --base-url "http://127.0.0.1:$SIM_PORT" \
        --operation walk --per-page 100 --requests 1 --expect-terminals 100000
      echo "simulator after the walk: $(rss_of "$SIM_PID")" | tee -a "$OUT/d-walk-100k.txt"
      stop_all
      ;;
    e)
      log "(e) wrk against paystack-sim pinned to CPU 0 (wrk on CPU 1)"
      start_sim 0 --terminals 3
      {
        echo "simulator before: $(rss_of "$SIM_PID")"
      } | tee "$OUT/e-rss.txt"
      for conns in 64 1000; do
        c0="$(cpu_ms "$SIM_PID")"
        run "e-wrk-c$conns" taskset -c 1 wrk -t1 -c"$conns" -d"$DURATION" --latency \
          -H "Authorization: Bearer $KEY" "http://127.0.0.1:$SIM_PORT/terminal/$SIM_TERMINAL"
        echo "simulator after wrk -c$conns: $(rss_of "$SIM_PID") cpu $(($(cpu_ms "$SIM_PID") - c0)) ms" |
          tee -a "$OUT/e-rss.txt"
      done
      stop_all
      ;;
    *)
      echo "unknown step $step" >&2
      exit 2
      ;;
  esac
done
echo "raw outputs: $OUT"
