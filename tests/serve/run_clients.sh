#!/usr/bin/env bash
# run_clients.sh PAYSTACK_TERMINAL CLIENT...: starts `paystack-terminal sim` and `paystack-terminal
# serve` (SQLite store in a temporary directory, ports picked by the system), runs CLIENT with
# SERVE_URL and PAYSTACK_SERVE_TOKEN set and a terminal id as its argument, then stops serve with
# SIGTERM, which must drain and exit 0. The exit status is the client's, or 1.
set -euo pipefail
bin="$1"; shift
dir="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT
export PAYSTACK_SECRET_KEY=sk_test_serve_clients
export PAYSTACK_SERVE_TOKEN="serve-clients-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"

# Waits (10 s at most) until FILE has a line matching REGEX; prints the match.
wait_line() {
  for _ in $(seq 100); do
    if m="$(grep -Eo "$2" "$1" 2>/dev/null | head -1)" && [ -n "$m" ]; then echo "$m"; return 0; fi
    sleep 0.1
  done
  echo "run_clients: no '$2' in $1:" >&2; cat "$1" >&2; return 1
}

"$bin" sim --port 0 --delivery-delay 50 --auto-pay-delay 300 >"$dir/sim.out" 2>&1 &
pids+=($!)
sim_url="$(wait_line "$dir/sim.out" 'http://127\.0\.0\.1:[0-9]+')"
terminal="$(wait_line "$dir/sim.out" 'terminal [A-Za-z0-9]+' | cut -d' ' -f2)"
export PAYSTACK_BASE_URL="$sim_url"

"$bin" serve --listen 127.0.0.1:0 --store "$dir/charges.db" --drain-timeout 5s 2>"$dir/serve.err" &
serve_pid=$!
pids+=($serve_pid)
export SERVE_URL="$(wait_line "$dir/serve.err" 'http://127\.0\.0\.1:[0-9]+')"

status=0
"$@" "$terminal" || status=$?
kill -TERM "$serve_pid"
serve_status=0
wait "$serve_pid" || serve_status=$?
echo "serve exited $serve_status after SIGTERM: $(tail -1 "$dir/serve.err")"
if grep -q "$PAYSTACK_SERVE_TOKEN" "$dir/serve.err"; then echo "the token was printed" >&2; exit 1; fi
[ "$serve_status" -eq 0 ] || exit 1
exit "$status"
