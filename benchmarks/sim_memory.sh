#!/usr/bin/env bash
# Memory of paystack-sim under the attacks of issue 11, each bounded in count and time:
#   1. payment requests as large as the field limits allow (rounds of them, RSS after each),
#   2. 1,500 payment requests with 60 KB descriptions (refused with 400: must not grow it),
#   3. terminals added through the control API until the device cap answers 409,
#   4. a webhook receiver that never answers (every webhook above queues for it),
#   5. webhook log reads (the default page and the largest pages),
#   6. one client opening more connections than its per-source limit (set to 256 here: the
#      default 1,024 is at the usual `ulimit -n` of 1,024, where accept() fails first).
# Starts paystack-sim on a free loopback port (--port 0), reads VmRSS from /proc/PID/status
# before and after each attack, prints the figures and GET /_sim/stats, and stops everything it
# started. Goal: RSS flat once the documented caps (doc/server-bounds.md) are reached.
#
# Usage: benchmarks/sim_memory.sh [PATH_TO_PAYSTACK_SIM] [ROUNDS_OF_3000_REQUESTS]
#   default: build/dev/simulator/paystack-sim, 4 rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
sim="${1:-build/dev/simulator/paystack-sim}"
rounds="${2:-4}"
[ -x "$sim" ] || { echo "sim_memory: $sim not found (cmake --build --preset dev --target paystack-sim)" >&2; exit 2; }

exec python3 - "$sim" "$rounds" <<'PY'
import http.client, json, os, resource, socket, subprocess, sys, time

sim_exe, rounds = sys.argv[1], int(sys.argv[2])
KEY = "sk_test_memory_bench"
DEADLINE = 120  # seconds per attack, whatever its count

# 4. the receiver that never answers: listens, never accepts.
silent = socket.socket()
silent.bind(("127.0.0.1", 0))
silent.listen(64)
hook = "http://127.0.0.1:%d/hook" % silent.getsockname()[1]

proc = subprocess.Popen([sim_exe, "--port", "0", "--secret-key", KEY, "--webhook-url", hook,
                         "--delivery-delay", "manual", "--auto-pay-delay", "manual",
                         "--max-connections-per-source", "256"],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
opened = []
try:
    port = None
    for line in proc.stdout:
        if "listening on" in line:
            port = int(line.rsplit(":", 1)[1])
            break
    if port is None:
        sys.exit("sim_memory: paystack-sim did not start")

    def rss_mib():
        with open("/proc/%d/status" % proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
        return 0.0

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    def call(method, path, body=None, auth=True):
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = "Bearer " + KEY
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()

    rows = []
    def row(name, count, started, statuses):
        rows.append((name, count, time.time() - started, rss_mib(),
                     " ".join("%s:%d" % kv for kv in sorted(statuses.items()))))
        print("%-44s %7d %7.1fs  RSS %7.1f MiB  %s" % rows[-1], flush=True)

    print("%-44s %7s %8s  %s" % ("attack", "count", "time", "after"))
    rows.append(("start", 0, 0.0, rss_mib(), ""))
    print("%-44s %7d %7.1fs  RSS %7.1f MiB" % rows[-1][:4], flush=True)

    # 1. the largest payment requests the limits accept (~14 KB of stored fields each).
    items = [{"name": "item %03d" % i, "amount": 100, "quantity": 1, "sku": "s" * 40}
             for i in range(100)]
    while len(json.dumps(items, separators=(",", ":"))) > 8192:
        items.pop()
    meta = {"note": "m" * 4000}
    big = json.dumps({"customer": "CUS_memory", "description": "d" * 2048, "line_items": items,
                      "metadata": meta, "due_date": "2026-12-31"}, separators=(",", ":"))
    for r in range(rounds):
        t0, st, n = time.time(), {}, 0
        while n < 3000 and time.time() - t0 < DEADLINE:
            s, _ = call("POST", "/paymentrequest", big)
            st[s] = st.get(s, 0) + 1
            n += 1
        row("max-size payment requests, round %d" % (r + 1), n, t0, st)

    # 2. 60 KB descriptions: refused.
    huge = json.dumps({"customer": 1, "amount": 100, "description": "x" * 60000})
    t0, st, n = time.time(), {}, 0
    while n < 1500 and time.time() - t0 < DEADLINE:
        s, _ = call("POST", "/paymentrequest", huge)
        st[s] = st.get(s, 0) + 1
        n += 1
    row("60 KB descriptions (refused)", n, t0, st)

    # 3. terminals until the device cap.
    name = json.dumps({"name": "t" * 256})
    t0, st, n = time.time(), {}, 0
    while time.time() - t0 < DEADLINE:
        s, _ = call("POST", "/_sim/terminals", name, auth=False)
        st[s] = st.get(s, 0) + 1
        n += 1
        if s == 409 and st[s] >= 100:
            break
    row("terminals with 256-byte names, to the cap", n, t0, st)

    # 5. webhook log reads.
    t0, st, n, biggest = time.time(), {}, 0, 0
    for limit in ["", "?limit=1000"] * 25:
        s, body = call("GET", "/_sim/webhooks" + limit, auth=False)
        st[s] = st.get(s, 0) + 1
        biggest = max(biggest, len(body))
        n += 1
    row("webhook log reads (largest reply %.1f MiB)" % (biggest / 1048576.0), n, t0, st)

    # 6. connections from one source beyond its limit.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    except (ValueError, OSError):
        pass
    want = min(400, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 64)
    t0 = time.time()
    for _ in range(want):
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        opened.append(c)
    time.sleep(0.5)  # not synchronisation: lets the server's accept loop catch up before counting
    closed = 0
    for c in opened:
        c.setblocking(False)
        try:
            closed += 1 if c.recv(1) == b"" else 0
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    row("idle connections from 127.0.0.1", want, t0, {"closed_by_server_so_far": closed})
    for c in opened:
        c.close()
    opened.clear()

    conn.close()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(200):  # the server may still be closing the sockets above
        try:
            s, body = call("GET", "/_sim/stats", auth=False)
            break
        except OSError:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            time.sleep(0.05)
    print("\nGET /_sim/stats:", json.dumps(json.loads(body)["data"], indent=1))
finally:
    for c in opened:
        c.close()
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    silent.close()
PY
