#!/usr/bin/env python3
"""serve_bench.py: the charge service's figures (issue 24; doc/performance.md, "serve").

Starts `paystack-terminal sim` (no rate limit; the device picks a push up at once and the
customer pays at once, or never with --phase memory) and `paystack-terminal serve` (SQLite store
in a temporary folder, synchronous=FULL; its webhook listener receives the simulator's
webhooks), then measures, with the standard library only:

  throughput: POST /v1/charges open-loop at --rate for --seconds (a key and a terminal each,
              terminals round robin), then waits for every charge: charges finished per second
              (first "started" to last "finished" record), every outcome, 429s, POST latency;
              meanwhile a separate process GETs /v1/charges/{key} of charges already posted, at
              --probe-rate, and reports its latency percentiles; serve's peak RSS.
  memory:     the customer never pays: --in-flight charges are started and waited for until each
              is pushed or delivered (all running at once), then serve's RSS is read.

Every process started is stopped at exit. Prints one human-readable block and one JSON line.
Exit 1 when a charge was not paid (throughput), or not all were in flight (memory).

  python3 benchmarks/serve_bench.py --bin build/release/cli/paystack-terminal --rate 250 --seconds 10
  python3 benchmarks/serve_bench.py --bin ... --phase memory --in-flight 1000
"""
import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_line(path, pattern, proc, seconds=20):
    deadline = time.monotonic() + seconds
    rx = re.compile(pattern)
    while time.monotonic() < deadline:
        with open(path, errors="replace") as f:
            m = rx.search(f.read())
        if m:
            return m
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    with open(path, errors="replace") as f:
        sys.stderr.write(f.read())
    raise SystemExit(f"serve_bench: no /{pattern}/ in {path}")


def rss_kib(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0])
    return out


def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, int(p / 100.0 * len(v)))]


class Api:
    """One keep-alive connection to serve."""

    def __init__(self, port, token, timeout=70):
        self.port, self.token, self.timeout = port, token, timeout
        self.conn = None

    def call(self, method, path, body=None):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                headers = {"Authorization": "Bearer " + self.token}
                data = None
                if body is not None:
                    data = json.dumps(body).encode()
                    headers["Content-Type"] = "application/json"
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                raw = r.read()
                return r.status, (json.loads(raw) if raw else None)
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")


def probe(port, token, rate, keys, stop, out):
    """A separate process: GET /v1/charges/{key} of posted charges at `rate`, latencies in ms."""
    api = Api(port, token)
    lat, errors = [], 0
    interval = 1.0 / rate
    next_at = time.monotonic()
    while not stop.is_set():
        n = keys.value
        if n > 0:
            key = f"bench-{random.randrange(n)}"
            t = time.perf_counter()
            try:
                status, _ = api.call("GET", "/v1/charges/" + key)
                lat.append((time.perf_counter() - t) * 1000)
                errors += status != 200
            except OSError:
                errors += 1
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    out.put({"latencies_ms": lat, "errors": errors})


def post_charges(port, token, terminals, rate, count, workers, keys_posted):
    """Open-loop POSTs: charge i is due at start + i/rate; returns (latencies, statuses)."""
    lock = threading.Lock()
    state = {"next": 0}
    lat, statuses = [], {}
    start = time.monotonic() + 0.2

    def worker():
        api = Api(port, token)
        while True:
            with lock:
                i = state["next"]
                if i >= count:
                    return
                state["next"] += 1
            due = start + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            body = {"key": f"bench-{i}", "terminal_id": terminals[i % len(terminals)],
                    "amount": 5000, "customer": "CUS_bench0001"}
            t = time.perf_counter()
            status, _ = api.call("POST", "/v1/charges", body)
            with lock:
                lat.append((time.perf_counter() - t) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
                keys_posted.value = max(keys_posted.value, i + 1)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, statuses, time.monotonic() - start


def collect(port, token, count):
    """Waits for every charge; (outcomes, first started ms, last finished ms, charge times)."""
    api = Api(port, token)
    outcomes, first, last, durations = {}, None, None, []
    for i in range(count):
        doc = None
        for _ in range(4):
            status, doc = api.call("GET", f"/v1/charges/bench-{i}?wait=30")
            if status != 200 or doc.get("finished"):
                break
        if status == 404:
            outcomes["refused"] = outcomes.get("refused", 0) + 1
            continue
        o = doc.get("outcome") or "unfinished"
        outcomes[o] = outcomes.get(o, 0) + 1
        j = doc.get("journal") or []
        if j:
            s, f = j[0]["at_ms"], j[-1]["at_ms"]
            first = s if first is None else min(first, s)
            last = f if last is None else max(last, f)
            durations.append(f - s)
    return outcomes, first, last, durations


class Processes:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="serve-bench-")
        self.procs = []
        self.token = "bench-" + secrets.token_hex(16)

    def start(self, memory):
        a = self.args
        env = dict(os.environ, PAYSTACK_SECRET_KEY="sk_test_serve_bench",
                   PAYSTACK_SERVE_TOKEN=self.token)
        sim_port, hook_port = free_port(), free_port()
        env["PAYSTACK_BASE_URL"] = f"http://127.0.0.1:{sim_port}"
        serve_err = os.path.join(self.dir, "serve.err")
        serve = subprocess.Popen(
            [a.bin, "serve", "--listen", "127.0.0.1:0", "--store", os.path.join(self.dir, "c.db"),
             "--webhook-listen", f"127.0.0.1:{hook_port}", "--drain-timeout", "1s",
             "--max-in-flight", str(max(1000, a.in_flight)), "--housekeeping-interval", "0"],
            env=env, stdout=subprocess.DEVNULL, stderr=open(serve_err, "w"))
        self.procs.append(serve)
        self.serve = serve
        self.port = int(wait_line(serve_err, r"http://127\.0\.0\.1:(\d+)", serve).group(1))
        sim_out = os.path.join(self.dir, "sim.out")
        sim = subprocess.Popen(
            [a.bin, "sim", "--port", str(sim_port), "--terminals", str(a.terminals), "--no-ui",
             "--delivery-delay", "0", "--auto-pay-delay", "manual" if memory else "0",
             "--webhook-url", f"http://127.0.0.1:{hook_port}/"],
            env=env, stdout=open(sim_out, "w"), stderr=subprocess.STDOUT)
        self.procs.append(sim)
        wait_line(sim_out, r"Press Ctrl-C", sim, 60)
        with open(sim_out) as f:
            self.terminals = re.findall(r"terminal ([A-Z0-9]+) ", f.read())
        if len(self.terminals) != a.terminals:
            raise SystemExit(f"serve_bench: {len(self.terminals)} terminals, not {a.terminals}")

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def throughput(args, ps):
    count = int(args.rate * args.seconds)
    keys = multiprocessing.Value("i", 0)
    stop = multiprocessing.Event()
    out = multiprocessing.Queue()
    prober = multiprocessing.Process(target=probe,
                                     args=(ps.port, ps.token, args.probe_rate, keys, stop, out))
    prober.start()
    try:
        post_lat, statuses, posting = post_charges(ps.port, ps.token, ps.terminals, args.rate,
                                                   count, args.workers, keys)
    finally:
        stop.set()
    probed = out.get(timeout=60)
    prober.join(10)
    mem = rss_kib(ps.serve.pid)
    outcomes, first, last, durations = collect(ps.port, ps.token, count)
    span = (last - first) / 1000.0 if first is not None and last and last > first else None
    gets = probed["latencies_ms"]
    result = {
        "phase": "throughput", "charges": count, "rate_asked": args.rate,
        "posting_s": round(posting, 2), "post_statuses": statuses, "outcomes": outcomes,
        "charges_per_s": round(outcomes.get("paid", 0) / span, 1) if span else None,
        "charge_ms_p50": pct(durations, 50), "charge_ms_p99": pct(durations, 99),
        "post_ms_p50": round(pct(post_lat, 50), 2), "post_ms_p99": round(pct(post_lat, 99), 2),
        "get_count": len(gets), "get_errors": probed["errors"],
        "get_ms_p50": round(pct(gets, 50), 2) if gets else None,
        "get_ms_p99": round(pct(gets, 99), 2) if gets else None,
        "serve_rss_kib": mem.get("VmRSS"), "serve_peak_rss_kib": mem.get("VmHWM"),
        "loadavg": os.getloadavg(),
    }
    print(f"charges: {count} posted at {args.rate}/s in {posting:.1f} s, statuses {statuses}")
    print(f"outcomes: {outcomes}; {result['charges_per_s']} charges/s (first started to last "
          f"finished); a charge took p50 {result['charge_ms_p50']} ms, p99 "
          f"{result['charge_ms_p99']} ms")
    print(f"POST p50 {result['post_ms_p50']} ms p99 {result['post_ms_p99']} ms; GET /v1/charges/"
          f"{{key}} ({len(gets)}, {probed['errors']} errors) p50 {result['get_ms_p50']} ms p99 "
          f"{result['get_ms_p99']} ms")
    print(f"serve RSS {mem.get('VmRSS')} KiB, peak {mem.get('VmHWM')} KiB; load average "
          f"{result['loadavg']}")
    print(json.dumps(result))
    return outcomes.get("paid", 0) == count


def memory(args, ps):
    api = Api(ps.port, ps.token)
    n = args.in_flight
    before = rss_kib(ps.serve.pid)
    refused = 0
    for i in range(n):
        status, _ = api.call("POST", "/v1/charges",
                             {"key": f"mem-{i}", "terminal_id": ps.terminals[i % len(ps.terminals)],
                              "amount": 5000, "customer": "CUS_bench0001"})
        refused += status != 202
    waiting = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        waiting, after = 0, ""
        while True:
            q = "/v1/charges?limit=1000" + (f"&after={after}" if after else "")
            status, page = api.call("GET", q)
            for c in page["charges"]:
                waiting += c["stage"] in ("pushed", "delivered") and c["outcome"] is None
            after = page["next"]
            if not after:
                break
        if waiting == n:
            break
        time.sleep(0.5)
    mem = rss_kib(ps.serve.pid)
    result = {"phase": "memory", "in_flight_asked": n, "refused": refused,
              "waiting_for_payment": waiting, "serve_rss_kib_at_start": before.get("VmRSS"),
              "serve_rss_kib": mem.get("VmRSS"), "serve_peak_rss_kib": mem.get("VmHWM"),
              "loadavg": os.getloadavg()}
    print(f"{waiting} of {n} charges waiting for the customer at once ({refused} refused); serve "
          f"RSS {mem.get('VmRSS')} KiB (peak {mem.get('VmHWM')}, {before.get('VmRSS')} at start)")
    print(json.dumps(result))
    return waiting == n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True, help="paystack-terminal")
    ap.add_argument("--phase", choices=["throughput", "memory"], default="throughput")
    ap.add_argument("--rate", type=float, default=250, help="charges per second asked")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--workers", type=int, default=32, help="POSTing threads (connections)")
    ap.add_argument("--probe-rate", type=float, default=200, help="GETs per second")
    ap.add_argument("--terminals", type=int, default=1000)
    ap.add_argument("--in-flight", type=int, default=1000)
    args = ap.parse_args()
    if not (0 < args.rate <= 5000 and 0 < args.seconds <= 600 and 0 < args.workers <= 256
            and 0 < args.probe_rate <= 5000 and 1 <= args.terminals <= 100000
            and 1 <= args.in_flight <= 100000):
        ap.error("a value out of range")
    ps = Processes(args)
    try:
        ps.start(memory=args.phase == "memory")
        ok = throughput(args, ps) if args.phase == "throughput" else memory(args, ps)
    finally:
        ps.stop()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
