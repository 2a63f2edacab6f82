#!/usr/bin/env bash
# scripts/prometheus-local.sh: a throwaway Prometheus (Debian's `prometheus` 2.42) on loopback,
# for tests. Source it, then:
#   prom_start DIR TARGET [INTERVAL]   scrapes http://TARGET/metrics every INTERVAL (default 1s),
#                                      data and config under DIR, a free port; sets PROM_URL and
#                                      PROM_PID; returns once Prometheus answers /-/ready (polled,
#                                      at most 60 s)
#   prom_query EXPR                    prints the query API's JSON for EXPR (instant query)
#   prom_value EXPR                    prints the first sample's value of EXPR, or nothing
#   prom_stop                          stops it (the caller's EXIT trap should call it)
# Needs curl and python3; PROMETHEUS (default: prometheus on PATH).

prom_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

prom_start() {
  local dir="$1" target="$2" interval="${3:-1s}" bin="${PROMETHEUS:-prometheus}" port
  mkdir -p "$dir/data"
  cat >"$dir/prometheus.yml" <<YAML
global:
  scrape_interval: $interval
  evaluation_interval: $interval
scrape_configs:
  - job_name: paystack
    metrics_path: /metrics
    static_configs:
      - targets: ['$target']
YAML
  for _ in 1 2 3; do  # a port taken between the probe and the bind: try another
    port="$(prom_free_port)"
    "$bin" --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
      --web.listen-address="127.0.0.1:$port" --log.level=warn >"$dir/prometheus.log" 2>&1 &
    PROM_PID=$!
    PROM_URL="http://127.0.0.1:$port"
    for _ in $(seq 600); do
      if curl -fs "$PROM_URL/-/ready" >/dev/null 2>&1; then return 0; fi
      kill -0 "$PROM_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill "$PROM_PID" 2>/dev/null || true
    wait "$PROM_PID" 2>/dev/null || true
  done
  echo "prometheus did not start:" >&2
  cat "$dir/prometheus.log" >&2
  return 1
}

prom_query() {
  curl -fsG "$PROM_URL/api/v1/query" --data-urlencode "query=$1"
}

prom_value() {
  prom_query "$1" | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")'
}

prom_stop() {
  if [ -n "${PROM_PID:-}" ]; then
    kill "$PROM_PID" 2>/dev/null || true
    wait "$PROM_PID" 2>/dev/null || true
    PROM_PID=
  fi
}
