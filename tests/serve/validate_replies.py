#!/usr/bin/env python3
"""Validates every reply the serve tests saw (SERVE_REPLY_LOG, one JSON line each: method,
target, status, content_type, body) against doc/serve-openapi.yaml.

A reply must be documented: its path and method (a request to an undocumented path or method
must be an Error), its status, its content type, and a JSON body must validate against the
schema. Exits 1 listing every reply that does not; 77 (skipped) when the log is empty.
Usage: validate_replies.py SPEC LOG [--keep]
"""
import json
import re
import sys

import jsonschema
import yaml


def path_regex(template):
    return re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$")


def main():
    spec_path, log_path = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    try:
        with open(log_path, encoding="utf-8") as f:
            lines = [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        lines = []
    if not lines:
        print("no replies logged: nothing to validate")
        return 77
    routes = [(path_regex(p), ops) for p, ops in spec["paths"].items()]

    def validator_for(ref_or_schema):
        root = {"components": spec["components"]}
        root.update(ref_or_schema)
        cls = jsonschema.validators.validator_for({"$schema": "https://json-schema.org/draft/2020-12/schema"})
        return cls(root)

    error_schema = {"$ref": "#/components/schemas/Error"}
    failures, checked, statuses = [], 0, set()
    for r in lines:
        where = f'{r["method"]} {r["target"]} -> {r["status"]}'
        path = r["target"].split("?", 1)[0]
        ops = next((o for rx, o in routes if rx.match(path)), None)
        op = ops.get(r["method"].lower()) if ops else None
        statuses.add(r["status"])
        if r["status"] == 0:
            failures.append(f"{where}: no HTTP answer")
            continue
        if op is None:
            schema, ctype = error_schema, "application/json"
        else:
            resp = op["responses"].get(str(r["status"]))
            if resp is None:
                failures.append(f"{where}: status not documented")
                continue
            if "$ref" in resp:
                resp = spec["components"]["responses"][resp["$ref"].rsplit("/", 1)[1]]
            content = resp.get("content", {})
            ctype = r["content_type"].split(";")[0].strip()
            if ctype not in content:
                failures.append(f"{where}: content type {ctype!r} not documented")
                continue
            schema = content[ctype]["schema"]
        if ctype != "application/json":
            checked += 1
            continue
        try:
            body = json.loads(r["body"])
        except ValueError:
            failures.append(f"{where}: body is not JSON")
            continue
        errors = sorted(validator_for(schema).iter_errors(body), key=lambda e: list(e.path))
        if errors:
            failures.append(f"{where}: " + "; ".join(
                f"{'/'.join(map(str, e.path)) or '(body)'}: {e.message}" for e in errors[:3]))
            continue
        checked += 1
    print(f"{checked} replies valid of {len(lines)} (statuses seen: {sorted(statuses)})")
    for f in failures:
        print("INVALID", f)
    if "--keep" not in sys.argv:
        open(log_path, "w").close()  # the next run validates its own replies
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
