#!/usr/bin/env bash
# A/B comparison of two paystack-bench binaries (e.g. before and after a change) against one
# nginx, interleaved so that both see the same machine: each round runs wrk for 3 s, then the
# two binaries in alternating order. Prints one line per round: calls/s, CPU and kernel CPU per
# call (µs). nginx is pinned to CPU 1, the load to CPU 0, and stopped on exit.
#
#   bash benchmarks/ab.sh OLD_BENCH NEW_BENCH        # ROUNDS=10 REQUESTS=300000 by default
#
# Needs wrk, nginx, curl (bash scripts/install-deps.sh --bench). Uses only an sk_test_ key.
set -euo pipefail
cd "$(dirname "$0")/.."
old="$1" new="$2"
rounds="${ROUNDS:-10}" requests="${REQUESTS:-300000}" port="${PORT:-8092}"
url="http://127.0.0.1:$port"

taskset -c 1 bash benchmarks/nginx/serve.sh "$port" 2872S934 >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs -o /dev/null "$url/terminal/2872S934" && break; sleep 0.05; done

bench() {  # label binary
  PAYSTACK_SECRET_KEY=sk_test_paystack_measure taskset -c 0 "$2" --base-url "$url" \
    --terminal-id 2872S934 --operation fetch-terminal --requests "$requests" --warmup 10000 \
    --concurrency 64 --connections 64 2>&1 | tail -1 |
    sed -E "s/.*\"requests_per_second\":([0-9.]+).*\"cpu_us_per_request\":([0-9.]+),\"cpu_sys_us_per_request\":([0-9.]+).*/$1 calls\/s=\1 cpu=\2 sys=\3/"
}

for i in $(seq 1 "$rounds"); do
  w=$(taskset -c 0 /usr/bin/time -f "%U %S" wrk -t1 -c64 -d3s "$url/terminal/2872S934" 2>&1 |
    awk '/Requests\/sec/{r=$2} /^[0-9.]+ [0-9.]+$/{u=$1; s=$2}
         END{printf "wrk calls/s=%s cpu=%.2f sys=%.2f", r, (u+s)/(r*3)*1e6, s/(r*3)*1e6}')
  if [ $((i % 2)) -eq 0 ]; then a=$(bench old "$old"); b=$(bench new "$new")
  else b=$(bench new "$new"); a=$(bench old "$old"); fi
  echo "$w | $a | $b"
done
