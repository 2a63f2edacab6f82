#!/usr/bin/env bash
# Serves the official Fetch Terminal sample at http://127.0.0.1:PORT/terminal/<id> with nginx
# (keep-alive, one worker), in the foreground until killed. For doc/performance.md (a).
#
#   bash benchmarks/nginx/serve.sh [PORT] [TERMINAL_ID]    (defaults: 8089 2872S934)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
port="${1:-8089}"
id="${2:-2872S934}"
samples="${PAYSTACK_SAMPLES_DIR:-$here/../../tests/data/paystack-samples}"
prefix="$(mktemp -d /tmp/paystack-nginx.XXXXXX)"
trap 'rm -rf "$prefix"' EXIT
mkdir -p "$prefix/html/terminal" "$prefix/tmp" "$prefix/logs"
python3 - "$samples/api/terminal/fetch/response.json" >"$prefix/html/terminal/$id" <<'PY'
import json, sys
print(json.dumps(json.load(open(sys.argv[1]))["200"]["data"], separators=(",", ":")), end="")
PY
sed "s/__PORT__/$port/" "$here/nginx.conf" >"$prefix/nginx.conf"
echo "nginx serving http://127.0.0.1:$port/terminal/$id from $prefix"
# Not exec: the trap removes the prefix when nginx exits.
nginx -p "$prefix" -c "$prefix/nginx.conf" -e stderr &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$prefix"' EXIT INT TERM
wait $pid
