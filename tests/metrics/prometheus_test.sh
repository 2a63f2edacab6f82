#!/usr/bin/env bash
# prometheus_test.sh PAYSTACK_TERMINAL [MODE]: `paystack-terminal serve --metrics-listen` against
# `paystack-terminal sim`, scraped by a real Prometheus (scripts/prometheus-local.sh).
#   MODE all (default): after two paid charges and one on a terminal taken offline, Prometheus's
#     query API returns paystack_charges_total per outcome (paid 2, terminal_offline 1), and
#     sum(paystack_http_requests_total{operation="send_event"}) equals the pushes the simulator
#     saw; the offline terminal's paystack_terminal_up turns 0 within two presence intervals;
#     promtool check metrics finds no problem in /metrics; no label value is a key, a request
#     code, an amount, the secret key or the API token (bounded cardinality).
# Every wait is a bounded poll. Prints "prometheus test: ok" on success; exit 1 otherwise.
set -euo pipefail
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../../scripts/prometheus-local.sh
source "$here/../../scripts/prometheus-local.sh"
dir="$(mktemp -d)"
pids=()
cleanup() {
  prom_stop
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "prometheus test: FAIL: $*" >&2; exit 1; }
export PAYSTACK_SECRET_KEY="sk_test_metrics_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export PAYSTACK_SERVE_TOKEN="metrics-token-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
presence_interval=2

wait_line() {  # FILE REGEX: the first match, within 20 s
  for _ in $(seq 200); do
    if m="$(grep -Eo "$2" "$1" 2>/dev/null | head -1)" && [ -n "$m" ]; then echo "$m"; return 0; fi
    sleep 0.1
  done
  cat "$1" >&2; fail "no '$2' in $1"
}

"$bin" sim --port 0 --delivery-delay 50 --auto-pay-delay 300 >"$dir/sim.out" 2>&1 &
pids+=($!)
sim="$(wait_line "$dir/sim.out" 'http://127\.0\.0\.1:[0-9]+')"
mapfile -t terminals < <(grep -Eo 'terminal [A-Z0-9]+' "$dir/sim.out" | cut -d' ' -f2)
[ "${#terminals[@]}" -ge 2 ] || fail "the simulator printed fewer than two terminals"
t1="${terminals[0]}" t2="${terminals[1]}"
export PAYSTACK_BASE_URL="$sim"

"$bin" serve --listen 127.0.0.1:0 --store "$dir/charges.db" --metrics-listen 127.0.0.1:0 \
  --presence-interval "$presence_interval" --log-format json 2>"$dir/serve.err" &
pids+=($!)
metrics="$(wait_line "$dir/serve.err" 'http://127\.0\.0\.1:[0-9]+/metrics')"
api="$(grep -Eo 'http://127\.0\.0\.1:[0-9]+"' "$dir/serve.err" | grep -v metrics | head -1 | tr -d '"')"
[ -n "$api" ] || api="$(wait_line "$dir/serve.err" '"url":"http://127\.0\.0\.1:[0-9]+"' | grep -Eo 'http://[0-9.:]+')"
target="${metrics#http://}"; target="${target%/metrics}"
prom_start "$dir/prom" "$target" 1s

auth="Authorization: Bearer $PAYSTACK_SERVE_TOKEN"
charge() {  # KEY TERMINAL AMOUNT: starts it and waits for its outcome; prints the outcome
  curl -fs -o /dev/null -H "$auth" -H 'Content-Type: application/json' "$api/v1/charges" \
    -d "{\"key\":\"$1\",\"terminal_id\":\"$2\",\"amount\":$3,\"customer\":\"CUS_metrics\"}" ||
    fail "POST /v1/charges $1"
  for _ in $(seq 6); do
    doc="$(curl -fs -H "$auth" "$api/v1/charges/$1?wait=20")" || fail "GET /v1/charges/$1"
    echo "$doc" >"$dir/charge-$1.json"
    out="$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["outcome"] if d["finished"] else "")' <<<"$doc")"
    if [ -n "$out" ]; then echo "$out"; return 0; fi
  done
  fail "charge $1 did not finish"
}
metric() {  # LINE-PREFIX: the value of the first /metrics line starting with it, or nothing
  curl -fs "$metrics" | awk -v p="$1" 'index($0, p) == 1 { print $NF; exit }'
}

[ "$(charge order-m1 "$t1" 5000)" = paid ] || fail "order-m1 not paid"
[ "$(charge order-m2 "$t1" 7000)" = paid ] || fail "order-m2 not paid"

# Terminal 2 offline: its paystack_terminal_up turns 0 within two presence intervals.
for _ in $(seq 100); do  # first seen up by a presence round (at most 10 s)
  [ "$(metric "paystack_terminal_up{terminal_id=\"$t2\"}")" = 1 ] && break
  sleep 0.1
done
[ "$(metric "paystack_terminal_up{terminal_id=\"$t2\"}")" = 1 ] || fail "$t2 never seen up"
curl -fs -o /dev/null -X POST "$sim/_sim/terminals/$t2/presence" -d '{"online":false}' ||
  fail "could not take $t2 offline"
offline_at="$(date +%s%N)"
down_ms=""
for _ in $(seq 200); do
  if [ "$(metric "paystack_terminal_up{terminal_id=\"$t2\"}")" = 0 ]; then
    down_ms=$(( ($(date +%s%N) - offline_at) / 1000000 )); break
  fi
  sleep 0.05
done
[ -n "$down_ms" ] || fail "paystack_terminal_up of $t2 never turned 0"
[ "$down_ms" -le $((2 * presence_interval * 1000)) ] ||
  fail "paystack_terminal_up of $t2 turned 0 after $down_ms ms (two intervals: $((2 * presence_interval)) s)"
echo "terminal $t2 offline: paystack_terminal_up 0 after $down_ms ms"
terminals_json="$(curl -fs -H "$auth" "$api/v1/terminals")"
python3 -c '
import json, sys
t = [x for x in json.loads(sys.argv[1])["terminals"] if x["terminal_id"] == sys.argv[2]][0]
assert t["presence"] and t["presence"]["online"] is False, t
assert t["presence"]["last_seen_ms"], t' "$terminals_json" "$t2" || fail "GET /v1/terminals disagrees"

[ "$(charge order-m3 "$t2" 9000)" = terminal_offline ] || fail "order-m3 not terminal_offline"

# Prometheus's view (bounded: 60 s of scrapes).
pushes="$(curl -fs "$sim/_sim/state" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["events"]))')"
ok=""
for _ in $(seq 120); do
  paid="$(prom_value 'paystack_charges_total{outcome="paid"}')"
  offline="$(prom_value 'paystack_charges_total{outcome="terminal_offline"}')"
  sent="$(prom_value 'sum(paystack_http_requests_total{operation="send_event"})')"
  up="$(prom_value "paystack_terminal_up{terminal_id=\"$t2\"}")"
  if [ "$paid" = 2 ] && [ "$offline" = 1 ] && [ "$sent" = "$pushes" ] && [ "$up" = 0 ]; then
    ok=1; break
  fi
  sleep 0.5
done
[ -n "$ok" ] || fail "Prometheus says paid=$paid terminal_offline=$offline send_event=$sent (simulator: $pushes pushes) up($t2)=$up"
echo "Prometheus: paystack_charges_total paid=$paid terminal_offline=$offline; send_event attempts $sent = $pushes pushes"

# The exposition passes promtool's checks.
curl -fs "$metrics" >"$dir/metrics.txt"
promtool check metrics <"$dir/metrics.txt" || fail "promtool check metrics"
for name in paystack_http_requests_total paystack_http_request_duration_seconds \
  paystack_rate_limited_total paystack_charges_total paystack_charge_duration_seconds \
  paystack_charges_in_flight paystack_store_operation_duration_seconds paystack_leases_held \
  paystack_terminal_up paystack_terminal_last_seen_timestamp_seconds \
  process_resident_memory_bytes process_cpu_seconds_total process_open_fds; do
  grep -q "^# TYPE $name " "$dir/metrics.txt" || fail "$name missing from /metrics"
done

# Bounded cardinality: no label value is a key, a request code, an amount or a secret.
codes="$(cat "$dir"/charge-*.json | grep -Eo 'PRQ_[A-Za-z0-9]+' | sort -u)"
python3 - "$dir/metrics.txt" "$PAYSTACK_SECRET_KEY" "$PAYSTACK_SERVE_TOKEN" $codes <<'PY' || fail "cardinality"
import re, sys
text = open(sys.argv[1]).read()
forbidden = set(sys.argv[2:]) | {"order-m1", "order-m2", "order-m3", "5000", "7000", "9000", "CUS_metrics"}
allowed_labels = {"operation", "code", "outcome", "store", "event", "result", "terminal_id", "le"}
values = set()
for name, value in re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', text):
    assert name in allowed_labels, f"label {name} is not in the contract"
    values.add(value)
bad = [v for v in values if any(f in v for f in forbidden)]
assert not bad, f"label values carry a key, code, amount or secret: {bad}"
assert not re.search(r"PRQ_|sk_test|order-", text), "a request code, key or secret in /metrics"
print(f"cardinality: {len(values)} label values, none a key, code, amount or secret")
PY
grep -q "$PAYSTACK_SERVE_TOKEN\|$PAYSTACK_SECRET_KEY" "$dir/serve.err" && fail "a secret in serve's log"
python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
docs = [json.loads(l) for l in lines if l.strip()]
assert all({"ts", "level", "msg"} <= d.keys() for d in docs)
assert any(d.get("operation") == "send_event" and d.get("status") == 200 for d in docs)
assert any(d.get("msg") == "charge ended" and d.get("key") == "order-m1" and d.get("status") == "paid" and d.get("request_code") for d in docs)
' "$dir/serve.err" || fail "serve --log-format json: not one JSON object per line with the fields"
echo "prometheus test: ok"
