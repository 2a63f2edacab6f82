#!/usr/bin/env python3
"""A POS back office charging on a terminal through `paystack-terminal serve`, with the Python
standard library only (doc/serve.md).

    SERVE_URL=http://127.0.0.1:8080 PAYSTACK_SERVE_TOKEN=... python3 pos_client.py TERMINAL_ID

Starts a sale (its key: the order id), sends the same request again as a retrying client would
(the service answers the same charge, never a second one), waits for the outcome and prints it.
Exit 0 when paid, 1 otherwise.
"""
import json
import os
import sys
import urllib.error
import urllib.request
import uuid

BASE = os.environ.get("SERVE_URL", "http://127.0.0.1:8080")
TOKEN = os.environ["PAYSTACK_SERVE_TOKEN"]


def call(method, path, body=None, token=TOKEN):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=70) as r:
            return r.status, json.load(r), r.headers
    except urllib.error.HTTPError as e:  # 4xx/5xx: the body is {"error": {...}}
        return e.code, json.load(e), e.headers


def main():
    terminal = sys.argv[1]
    sale = {"key": "order-" + uuid.uuid4().hex[:12], "terminal_id": terminal,
            "amount": 5000, "customer": sys.argv[2] if len(sys.argv) > 2 else "CUS_pos0001",
            "description": "Table 4"}
    status, charge, headers = call("POST", "/v1/charges", sale)
    assert status == 202, (status, charge)
    location = headers["Location"]
    status, again, _ = call("POST", "/v1/charges", sale)  # a retry: the same charge
    assert status == 200 and again["key"] == sale["key"], (status, again)
    status, err, _ = call("POST", "/v1/charges", dict(sale, amount=1))
    assert status == 409 and err["error"]["code"] == "key_reused", (status, err)
    status, err, _ = call("GET", location, token="wrong-token")
    assert status == 401, status
    while not charge["finished"]:
        status, charge, _ = call("GET", location + "?wait=60")
        assert status == 200, (status, charge)
    print(f'{charge["key"]}: {charge["outcome"]} ({charge["request_code"]}, '
          f'{len(charge["journal"])} journal records)')
    return 0 if charge["outcome"] == "paid" else 1


if __name__ == "__main__":
    sys.exit(main())
