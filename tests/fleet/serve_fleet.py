#!/usr/bin/env python3
"""The fleet test of `paystack-terminal serve` (issue 24), with the standard library only.

3 `serve` instances on one PostgreSQL (a database of their own on the fixture's server,
$PAYSTACK_TEST_PG_STATE/url) behind nginx (scripts/nginx-test-lb.sh), `paystack-terminal sim`
as Paystack (no rate limit; the device picks a push up at once, the customer pays after
--pay-ms). A POS client sends --sales sales through nginx from --tills threads at once, each on
a terminal of its own; at random it repeats a POST with the same key and body (200, never a
second charge) or with another amount or only another description (409 key_reused: the
request's fingerprint is stored). Amounts are whole units (the simulator's magic amounts,
doc/simulator.md, end in 01, 02, 03: a decline, a walk-away, a late payment), but for one sale
in DECLINE_EVERY, whose amount ends in 01: its customer declines, and its charge must end
declined (by its own request's invoice.payment_failed, through the shared
inbox when another instance receives the webhook). Mid-run one instance is SIGKILLed and
another gets SIGTERM (it drains and must exit 0) and is restarted on its port; at the end the
killed one is restarted too. Checks:

  - every sale answered: its charge finished, outcome paid (declined for the declining ones);
  - one payment request per key (the simulator's GET /paymentrequest?include_archive=true, by
    the key marker the charge writes into the request's description; a declined charge archives
    its request), and none without a key; a declining sale's request never paid;
  - every paid request is reported paid by GET /v1/charges/{key} on every instance;
  - nothing left unfinished (GET /v1/charges, every page, on each instance): no stage but
    finished, nothing open;
  - the drained instance exited 0; no token or secret key in any instance's output.

--check-plan checks the plan against the simulator alone (no PostgreSQL, no nginx, seconds): each
sale's amount pushed to its terminal ends on the screen the sale expects (paid or declined).

Bounded: every wait has a deadline, the whole run --deadline seconds. Everything started (sim,
serve instances, nginx, the database) is stopped or dropped at exit. Exit 0 when every check
passed; prints what failed otherwise.
"""
import argparse
import glob
import http.client
import json
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
import urllib.parse

SECRET = "sk_test_serve_fleet_" + secrets.token_hex(6)
TOKEN = "fleet-" + secrets.token_hex(16)
failures = []
DECLINE_EVERY = 40  # sale i declines when i % DECLINE_EVERY == 7


def declines(i):
    return i % DECLINE_EVERY == 7


def sale_amount(i):
    """Whole units (not magic), but for the declining sales: ...01, the simulator's decline."""
    return (10 + i) * 100 + (1 if declines(i) else 0)


def expected_outcome(i):
    return "declined" if declines(i) else "paid"


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg, flush=True)


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def wait_line(path, pattern, proc, seconds=30):
    deadline = time.monotonic() + seconds
    rx = re.compile(pattern)
    while time.monotonic() < deadline:
        with open(path, errors="replace") as f:
            m = rx.search(f.read())
        if m:
            return m
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.05)
    with open(path, errors="replace") as f:
        sys.stderr.write(f.read())
    raise RuntimeError(f"no /{pattern}/ in {path}")


def call(port, method, path, body=None, timeout=35, auth=True, host="127.0.0.1"):
    """One request on a new connection: (status, parsed body or None); (0, None) when no answer."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        headers = {}
        if auth:
            headers["Authorization"] = "Bearer " + TOKEN
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        raw = r.read()
        try:
            return r.status, json.loads(raw) if raw else None
        except ValueError:
            return r.status, None
    except (OSError, http.client.HTTPException):
        return 0, None
    finally:
        conn.close()


class Fleet:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="serve-fleet-")
        self.procs = []  # every process started, to stop at exit
        self.instances = {}  # name -> {"proc", "port", "err", "runs"}
        self.db = None
        self.lb_state = os.path.join(self.dir, "lb")

    # ---- PostgreSQL: a database of this test's own on the fixture's server ----
    def create_database(self):
        state = os.environ.get("PAYSTACK_TEST_PG_STATE", "")
        with open(os.path.join(state, "url")) as f:
            url = f.read().strip()
        u = urllib.parse.urlparse(url)
        bindirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        self.pg_bin = bindirs[-1] if bindirs else "/usr/bin"
        self.pg_args = ["-h", u.hostname, "-p", str(u.port), "-U", u.username or "postgres"]
        name = f"serve_fleet_{os.getpid()}"
        subprocess.run([os.path.join(self.pg_bin, "createdb")] + self.pg_args + [name],
                       check=True, timeout=30)
        self.db = name
        self.store = urllib.parse.urlunparse(u._replace(path="/" + name))

    def drop_database(self):
        if self.db:
            subprocess.run([os.path.join(self.pg_bin, "dropdb")] + self.pg_args +
                           ["--if-exists", self.db], timeout=30, check=False)

    def env(self):
        return dict(os.environ, PAYSTACK_SECRET_KEY=SECRET, PAYSTACK_SERVE_TOKEN=TOKEN,
                    PAYSTACK_BASE_URL=self.sim_url)

    def reserve_sim_port(self):
        # The instances need the simulator's URL and the simulator the webhook balancer's, which
        # exists only after the instances: a port free now, taken by the simulator later.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.sim_port = s.getsockname()[1]
        self.sim_url = f"http://127.0.0.1:{self.sim_port}"

    def start_sim(self):
        out = os.path.join(self.dir, "sim.out")
        p = subprocess.Popen([self.args.bin, "sim", "--port", str(self.sim_port), "--no-ui",
                              "--terminals", str(self.args.sales), "--delivery-delay", "0",
                              "--auto-pay-delay", str(self.args.pay_ms), "--webhook-url",
                              self.hooks_url + "/paystack"],
                             env=dict(os.environ, PAYSTACK_SECRET_KEY=SECRET),
                             stdout=open(out, "w"), stderr=subprocess.STDOUT)
        self.procs.append(p)
        wait_line(out, r"Press Ctrl-C", p, 60)
        with open(out) as f:
            text = f.read()
        self.terminals = re.findall(r"terminal ([A-Z0-9]+) ", text)
        if len(self.terminals) != self.args.sales:
            raise RuntimeError(f"{len(self.terminals)} terminals, not {self.args.sales}")

    def start_instance(self, name, port=0, hook_port=0):
        """Starts (or restarts, on its ports) an instance; its port."""
        inst = self.instances.setdefault(name, {"runs": 0})
        inst["runs"] += 1
        err = os.path.join(self.dir, f"{name}-{inst['runs']}.err")
        for attempt in range(5):
            p = subprocess.Popen(
                [self.args.bin, "serve", "--listen", f"127.0.0.1:{port}", "--store", self.store,
                 "--webhook-listen", f"127.0.0.1:{hook_port}",
                 "--drain-timeout", "8s", "--housekeeping-interval", "1", "--lease-ttl", "5"],
                env=self.env(), stdout=open(err + ".out", "w"), stderr=open(err, "w"))
            self.procs.append(p)
            try:
                m = wait_line(err, r"serving charges on http://127\.0\.0\.1:(\d+)", p, 30)
                break
            except RuntimeError:
                p.wait(timeout=10)
                if attempt == 4 or port == 0:
                    raise
                time.sleep(0.5)  # the port is still taken: bounded retries
        hook = wait_line(err, r"receiving webhooks on http://127\.0\.0\.1:(\d+)", p, 10)
        inst.update(proc=p, port=int(m.group(1)), hook_port=int(hook.group(1)), err=err)
        return inst["port"]

    def start_lb(self):
        """nginx in front of the APIs (the POS) and another in front of the webhook listeners."""
        def lb(state, key):
            ports = ",".join(str(i[key]) for i in self.instances.values())
            out = subprocess.run(["bash", self.args.lb_script, "start", state, ports],
                                 check=True, capture_output=True, text=True, timeout=60)
            return out.stdout.strip()
        self.lb_port = int(lb(self.lb_state, "port").rsplit(":", 1)[1])
        self.hooks_url = lb(self.lb_state + "-hooks", "hook_port")

    def stop_all(self):
        for state in (self.lb_state, self.lb_state + "-hooks"):
            if os.path.exists(state):
                subprocess.run(["bash", self.args.lb_script, "stop", state], timeout=60,
                               check=False)
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.drop_database()
        shutil.rmtree(self.dir, ignore_errors=True)


class Pos:
    """The POS: --tills threads, each taking the next sale until all are done."""

    def __init__(self, fleet, args):
        self.fleet, self.args = fleet, args
        self.rng = random.Random(args.seed)
        self.lock = threading.Lock()
        self.next = 0
        self.results = {}  # key -> final document, or None
        self.expected = {}  # key -> the outcome the sale must end with
        self.repeats = {"same": 0, "other": 0}
        self.deadline = time.monotonic() + args.deadline * 0.6
        self.posted = 0

    def post_until_answered(self, body):
        """POSTs until a 200/202/409 (a kill or a drain answers nothing, 502 or 503 meanwhile)."""
        while time.monotonic() < self.deadline:
            status, doc = call(self.fleet.lb_port, "POST", "/v1/charges", body)
            if status in (200, 202, 409):
                return status, doc
            time.sleep(0.2)
        return 0, None

    def sale(self, i):
        key = f"sale-{i:04d}-{secrets.token_hex(3)}"
        body = {"key": key, "terminal_id": self.fleet.terminals[i], "amount": sale_amount(i),
                "customer": "CUS_fleet0001", "description": f"sale {i}"}
        status, _ = self.post_until_answered(body)
        if status not in (200, 202):
            fail(f"{key}: POST answered {status}")
            return key, None
        with self.lock:
            self.posted += 1
            roll = self.rng.random()
        if roll < self.args.repeat:
            status, _ = self.post_until_answered(body)
            with self.lock:
                self.repeats["same"] += 1
            if status != 200:
                fail(f"{key}: the same request again answered {status}, not 200")
        elif roll < self.args.repeat * 1.5:
            # Another amount, or (the stored request fingerprint) only another description.
            if i % 2:
                other = dict(body, amount=body["amount"] + 100)
            else:
                other = dict(body, description=body["description"] + " (changed)")
            status, doc = self.post_until_answered(other)
            with self.lock:
                self.repeats["other"] += 1
            code = (doc or {}).get("error", {}).get("code")
            if status != 409 or code != "key_reused":
                fail(f"{key}: another request under the key answered {status} {code}")
        while time.monotonic() < self.deadline:
            status, doc = call(self.fleet.lb_port, "GET", f"/v1/charges/{key}?wait=20", timeout=30)
            if status == 200 and doc.get("finished"):
                return key, doc
            if status not in (0, 200, 502, 503, 504):
                fail(f"{key}: GET answered {status}")
                return key, None
            if status != 200:
                time.sleep(0.2)
        fail(f"{key}: no outcome before the deadline")
        return key, None

    def till(self):
        while True:
            with self.lock:
                i = self.next
                if i >= self.args.sales:
                    return
                self.next += 1
            key, doc = self.sale(i)
            with self.lock:
                self.results[key] = doc
                self.expected[key] = expected_outcome(i)


def chaos(fleet, pos, args):
    """Kills instance a at a third of the sales, drains and restarts b at two thirds."""
    def wait_posted(n):
        while time.monotonic() < pos.deadline and pos.posted < n:
            time.sleep(0.05)

    wait_posted(args.sales // 3)
    a = fleet.instances["a"]
    log(f"SIGKILL instance a (pid {a['proc'].pid}) after {pos.posted} sales")
    a["proc"].send_signal(signal.SIGKILL)
    a["proc"].wait(timeout=10)
    wait_posted(2 * args.sales // 3)
    b = fleet.instances["b"]
    log(f"SIGTERM instance b (pid {b['proc'].pid}) after {pos.posted} sales")
    b["proc"].send_signal(signal.SIGTERM)
    try:
        rc = b["proc"].wait(timeout=30)
    except subprocess.TimeoutExpired:
        rc = None
        fail("instance b did not exit within 30 s of SIGTERM")
    if rc != 0:
        fail(f"instance b exited {rc} after SIGTERM, not 0")
    with open(b["err"]) as f:
        text = f.read()
    log("b: " + " | ".join(text.strip().splitlines()[-2:]))
    fleet.start_instance("b", b["port"], b["hook_port"])
    log(f"instance b restarted on port {b['port']}")


def payment_requests(fleet):
    """Every payment request of the simulator: {key: [request codes]} and those with no key."""
    by_key, unkeyed, page = {}, [], 1
    while page <= 100:
        conn = http.client.HTTPConnection("127.0.0.1", fleet.sim_port, timeout=30)
        conn.request("GET", f"/paymentrequest?perPage=100&page={page}&include_archive=true",
                     headers={"Authorization": "Bearer " + SECRET})
        doc = json.loads(conn.getresponse().read())
        conn.close()
        for pr in doc.get("data") or []:
            m = re.search(r" \[key:([A-Za-z0-9._:-]+)\]$", pr.get("description") or "")
            if m:
                by_key.setdefault(m.group(1), []).append((pr["request_code"], pr["status"]))
            else:
                unkeyed.append(pr["request_code"])
        if page >= int((doc.get("meta") or {}).get("pageCount") or 1):
            break
        page += 1
    return by_key, unkeyed


def check(fleet, pos):
    answered = {k: d for k, d in pos.results.items() if d is not None}
    paid = [k for k, d in answered.items() if d.get("outcome") == "paid"]
    declined = [k for k, d in answered.items() if d.get("outcome") == "declined"]
    log(f"sales answered: {len(answered)} of {args.sales}; paid {len(paid)}, declined "
        f"{len(declined)} (expected {list(pos.expected.values()).count('declined')}); repeats "
        f"{pos.repeats}")
    if len(answered) != args.sales:
        fail(f"{args.sales - len(answered)} sales without an answer")
    for k, d in pos.results.items():
        if d is None or d.get("outcome") != pos.expected[k]:
            fail(f"{k}: outcome {(d or {}).get('outcome')}, not {pos.expected[k]}")
            status, doc = call(fleet.instances["c"]["port"], "GET", "/v1/charges/" + k)
            print(f"  now on c: {status} {json.dumps(doc)[:300]}", flush=True)
            code = (doc or {}).get("request_code")
            if code:
                conn = http.client.HTTPConnection("127.0.0.1", fleet.sim_port, timeout=30)
                conn.request("GET", "/paymentrequest/" + code,
                             headers={"Authorization": "Bearer " + SECRET})
                print(f"  at Paystack: {conn.getresponse().read()[:600]}", flush=True)
                conn.close()
    by_key, unkeyed = payment_requests(fleet)
    log(f"payment requests: {sum(len(v) for v in by_key.values())} for {len(by_key)} keys, "
        f"{len(unkeyed)} without a key")
    for k in pos.results:
        n = len(by_key.get(k, []))
        if n != 1:
            fail(f"{k}: {n} payment requests")
    if unkeyed:
        fail(f"payment requests without a key: {unkeyed[:5]}")
    for k in pos.results:
        if pos.expected[k] == "declined" and any(s == "success" for _, s in by_key.get(k, [])):
            fail(f"{k}: the customer declined, yet its request is paid")
    paid_requests = [k for k, v in by_key.items() if any(s == "success" for _, s in v)]
    for name, inst in fleet.instances.items():
        wrong = 0
        for k in paid_requests:
            status, doc = call(inst["port"], "GET", "/v1/charges/" + k)
            if status != 200 or doc.get("outcome") != "paid":
                wrong += 1
                if wrong <= 3:
                    fail(f"instance {name}: {k} (request paid) answered {status} "
                         f"{(doc or {}).get('outcome')}")
        unfinished, total, after = 0, 0, ""
        for _ in range(100):
            status, page = call(inst["port"], "GET",
                                "/v1/charges?limit=1000" + (f"&after={after}" if after else ""))
            if status != 200:
                fail(f"instance {name}: GET /v1/charges answered {status}")
                break
            for c in page["charges"]:
                total += 1
                unfinished += not c["finished"] or c["open"]
            after = page["next"]
            if not after:
                break
        log(f"instance {name}: {len(paid_requests) - wrong} of {len(paid_requests)} paid requests "
            f"reported paid; {total} charges, {unfinished} unfinished or open")
        if wrong:
            fail(f"instance {name}: {wrong} paid requests not reported paid")
        if unfinished:
            fail(f"instance {name}: {unfinished} charges unfinished or open")
        if total != args.sales:
            fail(f"instance {name}: lists {total} charges, not {args.sales}")


def no_secrets(fleet):
    for path in glob.glob(os.path.join(fleet.dir, "*.err*")):
        with open(path, errors="replace") as f:
            text = f.read()
        if TOKEN in text or SECRET in text:
            fail(f"{os.path.basename(path)} shows the token or the secret key")


def sim_call(port, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Authorization": "Bearer " + SECRET, "Content-Type": "application/json"}
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers=headers)
        r = conn.getresponse()
        return r.status, json.loads(r.read())
    finally:
        conn.close()


def check_plan():
    """Each sale's amount, pushed to its terminal on the simulator (the customer acts at once),
    ends on the screen the sale expects: paid, or declined for the declining ones."""
    work = tempfile.mkdtemp(prefix="serve-fleet-plan-")
    out = os.path.join(work, "sim.out")
    p = subprocess.Popen([args.bin, "sim", "--port", "0", "--no-ui", "--terminals",
                          str(args.sales), "--delivery-delay", "0", "--auto-pay-delay", "0"],
                         env=dict(os.environ, PAYSTACK_SECRET_KEY=SECRET),
                         stdout=open(out, "w"), stderr=subprocess.STDOUT)
    try:
        port = int(wait_line(out, r"http://127\.0\.0\.1:(\d+)", p, 60).group(1))
        wait_line(out, r"Press Ctrl-C", p, 60)
        with open(out) as f:
            terminals = re.findall(r"terminal ([A-Z0-9]+) ", f.read())
        if len(terminals) != args.sales:
            raise RuntimeError(f"{len(terminals)} terminals, not {args.sales}")
        codes = {}
        for i in range(args.sales):
            status, doc = sim_call(port, "POST", "/paymentrequest",
                                   {"customer": "CUS_fleet0001", "amount": sale_amount(i)})
            pr = doc["data"]
            status, doc = sim_call(port, "POST", f"/terminal/{terminals[i]}/event",
                                   {"type": "invoice", "action": "process",
                                    "data": {"id": pr["id"], "reference": pr["offline_reference"]}})
            if status != 200:
                fail(f"sale {i}: the push answered {status} {doc}")
            codes[terminals[i]] = pr["request_code"]
        _, state = sim_call(port, "GET", "/_sim/state")
        state = state["data"]
        screens = {t["terminal_id"]: t for t in state["terminals"]}
        for i in range(args.sales):
            t = screens[terminals[i]]
            want = "paid" if expected_outcome(i) == "paid" else "declined"
            if t["screen"] != want or t["screen_request"] != codes[terminals[i]]:
                fail(f"sale {i} (amount {sale_amount(i)}): the screen shows {t['screen']} for "
                     f"{t['screen_request']}, not {want}")
        n = sum(1 for i in range(args.sales) if declines(i))
        log(f"plan: {args.sales} sales, {n} declining; " +
            ("every screen as expected" if not failures else f"{len(failures)} failures"))
    finally:
        p.terminate()
        p.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)
    return 0 if not failures else 1


def main():
    fleet = Fleet(args)
    started = time.monotonic()
    timer = threading.Timer(args.deadline, lambda: os.kill(os.getpid(), signal.SIGTERM))
    timer.daemon = True
    timer.start()
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit("deadline passed")))
    try:
        fleet.create_database()
        fleet.reserve_sim_port()
        for name in ("a", "b", "c"):
            fleet.start_instance(name)
        fleet.start_lb()
        fleet.start_sim()
        log(f"sim {fleet.sim_url}; instances " +
            ", ".join(f"{n}:{i['port']}" for n, i in fleet.instances.items()) +
            f"; nginx 127.0.0.1:{fleet.lb_port} (webhooks {fleet.hooks_url}); store database "
            f"{fleet.db}")
        pos = Pos(fleet, args)
        tills = [threading.Thread(target=pos.till, daemon=True) for _ in range(args.tills)]
        for t in tills:
            t.start()
        chaos(fleet, pos, args)
        for t in tills:
            t.join(max(1.0, pos.deadline - time.monotonic() + 35))
        if any(t.is_alive() for t in tills):
            fail("a till did not finish in time")
        log(f"sales done after {time.monotonic() - started:.1f} s")
        a = fleet.instances["a"]
        fleet.start_instance("a", a["port"], a["hook_port"])
        log(f"instance a restarted on port {a['port']}")
        check(fleet, pos)
        no_secrets(fleet)
    finally:
        timer.cancel()
        fleet.stop_all()
    log(f"done in {time.monotonic() - started:.1f} s: " +
        ("all checks passed" if not failures else f"{len(failures)} failures"))
    return 0 if not failures else 1


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="the fleet test of paystack-terminal serve")
    ap.add_argument("--bin", required=True, help="paystack-terminal")
    ap.add_argument("--lb-script", required=True, help="scripts/nginx-test-lb.sh")
    ap.add_argument("--sales", type=int, default=200)
    ap.add_argument("--tills", type=int, default=24, help="POS threads selling at once")
    ap.add_argument("--pay-ms", type=int, default=400, help="delivered -> the customer pays")
    ap.add_argument("--repeat", type=float, default=0.2, help="share of sales repeated")
    ap.add_argument("--seed", type=int, default=24)
    ap.add_argument("--deadline", type=float, default=150, help="seconds for the whole run")
    ap.add_argument("--check-plan", action="store_true",
                    help="only check each sale's expected outcome against the simulator")
    args = ap.parse_args()
    if not (3 <= args.sales <= 2000 and 1 <= args.tills <= 200 and 0 <= args.pay_ms <= 60000
            and 0 <= args.repeat <= 0.66 and 10 <= args.deadline <= 3600):
        ap.error("a value out of range")
    sys.exit(check_plan() if args.check_plan else main())
