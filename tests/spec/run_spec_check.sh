#!/usr/bin/env bash
# The spec check (ctest spec.cli_and_simulator): runs the CLI commands of COMMANDS against
# paystack-sim through a recording proxy, then checks every recorded request and reply against
# Paystack's OpenAPI spec (check_spec.py; deviations Paystack's own samples share are listed in
# ALLOWED and explained in doc/simulator.md).
#
# Usage: run_spec_check.sh PAYSTACK_SIM PAYSTACK_TERMINAL OPENAPI COMMANDS ALLOWED
# COMMANDS is a bash fragment; it calls `cli ARGS...` (paystack-terminal through the proxy,
# must exit 0), `cli_fails ARGS...` (must exit non-zero: an error reply is recorded too),
# `sim_control METHOD PATH [JSON]` (a /_sim control route, to set up state; not checked) and may
# read $TERMINAL (a seeded terminal id) and $SERIAL (a device waiting to be commissioned); it
# may keep files in $work (deleted at exit) and run $cli_bin itself to set up state unrecorded.
set -euo pipefail
sim_bin=$1 cli_bin=$2 openapi=$3 commands=$4 allowed=$5
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Reads the first line matching $2 from file $1, waiting at most 10 s for it.
wait_for_line() {
  for _ in $(seq 1 200); do
    if line=$(grep -m1 -E "$2" "$1" 2>/dev/null); then
      echo "$line"
      return 0
    fi
    if ! kill -0 "$3" 2>/dev/null; then break; fi
    sleep 0.05  # bounded readiness poll on the line above, not a synchronisation
  done
  echo "run_spec_check: no '$2' from $1:" >&2
  cat "$1" >&2
  return 1
}

PAYSTACK_SIM_SECRET_KEY=sk_test_spec_check "$sim_bin" --port 0 --terminals 2 --devices 1 \
  --delivery-delay 0 --auto-pay-delay 0 --refund-delay 0 >"$work/sim.out" 2>&1 &
pids+=($!)
sim_url=$(wait_for_line "$work/sim.out" "listening on" "${pids[0]}" | sed 's/.*listening on //')
TERMINAL=$(wait_for_line "$work/sim.out" "^  terminal " "${pids[0]}" | awk '{print $2}')
SERIAL=$(wait_for_line "$work/sim.out" "waiting to be commissioned" "${pids[0]}" | awk '{print $NF}')

/usr/bin/python3 "$here/record_proxy.py" "$sim_url" "$work/exchanges.jsonl" >"$work/proxy.out" 2>&1 &
pids+=($!)
proxy_port=$(wait_for_line "$work/proxy.out" "listening on" "${pids[1]}" | awk '{print $3}')

export PAYSTACK_SECRET_KEY=sk_test_spec_check
cli() {
  if ! timeout 60 "$cli_bin" --base-url "http://127.0.0.1:$proxy_port" "$@" >"$work/last.out" 2>&1; then
    echo "run_spec_check: failed: paystack-terminal $*" >&2
    cat "$work/last.out" >&2
    return 1
  fi
  cat "$work/last.out"
}
cli_fails() {
  if timeout 60 "$cli_bin" --base-url "http://127.0.0.1:$proxy_port" "$@" >"$work/last.out" 2>&1; then
    echo "run_spec_check: expected a failure: paystack-terminal $*" >&2
    return 1
  fi
}
sim_control() {
  if ! /usr/bin/python3 - "http://127.0.0.1:$proxy_port$2" "$1" "${3:-}" >"$work/last.out" 2>&1 <<'PY'
import sys, urllib.request
url, method, body = sys.argv[1], sys.argv[2], sys.argv[3]
req = urllib.request.Request(url, data=body.encode() if body else None, method=method,
                             headers={"Content-Type": "application/json"})
with urllib.request.urlopen(req, timeout=30) as r:
    print(r.read().decode())
PY
  then
    echo "run_spec_check: failed: $1 $2" >&2
    cat "$work/last.out" >&2
    return 1
  fi
  cat "$work/last.out"
}
# shellcheck source=/dev/null
source "$commands" >/dev/null
/usr/bin/python3 "$here/check_spec.py" "$openapi" "$work/exchanges.jsonl" "$allowed"
