#!/usr/bin/python3
"""Checks recorded API exchanges against Paystack's OpenAPI spec.

Usage: check_spec.py OPENAPI.yaml EXCHANGES.jsonl [ALLOWED.txt]

EXCHANGES.jsonl holds one JSON object per line, as tests/spec/record_proxy.py writes them:
{"method", "target", "request_body", "status", "response_body"}. For each exchange:
  - the path must match one of the spec's paths and the method one of its operations;
  - every query parameter must be one the operation declares, of its type;
  - a JSON request body must validate against the operation's requestBody schema;
  - a JSON response body must validate against the schema of the response for its status
    (or `default`); a status the operation does not declare is reported.
OpenAPI 3.0 schemas are turned into JSON Schema: `nullable: true` admits null, a `nullable`
without a type admits anything, `example`s are dropped, `$ref`s are resolved.

ALLOWED.txt lists known deviations, one per line: `METHOD PATH_TEMPLATE STATUS JSON_POINTER`
(the place Paystack's own published sample breaks the same rule; doc/simulator.md explains
each). A deviation listed but never seen is reported too, so the list cannot rot.
Exit status: 0 when every exchange conforms, 1 otherwise, 2 on a usage error.
"""
import json
import re
import sys
import urllib.parse

import jsonschema
import yaml


def load_spec(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def resolve(spec, ref):
    node = spec
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def to_json_schema(spec, node, seen=None):
    """OpenAPI 3.0 schema object -> JSON Schema (draft 4 semantics), refs inlined."""
    seen = seen or ()
    if isinstance(node, list):
        return [to_json_schema(spec, n, seen) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:  # recursive schema: accept anything below the cycle
            return {}
        return to_json_schema(spec, resolve(spec, ref), seen + (ref,))
    out = {}
    for k, v in node.items():
        if k in ("example", "examples", "description", "xml", "externalDocs", "deprecated",
                 "readOnly", "writeOnly", "discriminator", "nullable"):
            continue
        if k in ("properties", "patternProperties"):
            out[k] = {name: to_json_schema(spec, s, seen) for name, s in v.items()}
        elif k in ("items", "additionalProperties", "not"):
            out[k] = to_json_schema(spec, v, seen) if isinstance(v, dict) else v
        elif k in ("allOf", "anyOf", "oneOf"):
            out[k] = [to_json_schema(spec, s, seen) for s in v]
        else:
            out[k] = v
    if node.get("nullable") is True:
        if "type" in out:
            t = out["type"]
            out["type"] = (t if isinstance(t, list) else [t]) + ["null"]
            if "enum" in out:
                out["enum"] = list(out["enum"]) + [None]
        elif not any(k in out for k in ("properties", "items", "allOf", "anyOf", "oneOf")):
            return {}  # nullable without a type: anything
    return out


def path_regex(template):
    parts = re.split(r"(\{[^}]+\})", template)
    rx = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile("^" + rx + "$")


class Spec:
    def __init__(self, spec):
        self.spec = spec
        # Literal segments win over parameters (/paymentrequest/totals before /{id}).
        self.paths = sorted(spec["paths"].items(),
                            key=lambda kv: (kv[0].count("{"), -len(kv[0])))
        self.compiled = [(t, path_regex(t), item) for t, item in self.paths]

    def find(self, method, path):
        for template, rx, item in self.compiled:
            if rx.match(path) and method.lower() in item:
                return template, item, item[method.lower()]
        for template, rx, item in self.compiled:
            if rx.match(path):
                return template, item, None
        return None, None, None

    def parameters(self, item, op):
        params = {}
        for p in list(item.get("parameters", [])) + list(op.get("parameters", [])):
            if "$ref" in p:
                p = resolve(self.spec, p["$ref"])
            params[(p["in"], p["name"])] = p
        return params

    def body_schema(self, container):
        if container is None:
            return None
        if "$ref" in container:
            container = resolve(self.spec, container["$ref"])
        content = container.get("content", {})
        media = content.get("application/json")
        if media is None or "schema" not in media:
            return None
        return to_json_schema(self.spec, media["schema"])


def query_value_ok(schema, value):
    t = (schema or {}).get("type")
    if t == "integer":
        return re.fullmatch(r"-?\d+", value) is not None
    if t == "number":
        try:
            float(value)
            return True
        except ValueError:
            return False
    if t == "boolean":
        return value in ("true", "false")
    if "enum" in (schema or {}):
        return value in [str(e) for e in schema["enum"]]
    return True


def short(message):
    """A validator message without the middle of a long instance dump."""
    return message if len(message) <= 200 else message[:80] + " ... " + message[-110:]


def pointer(path):
    """JSON pointer of an error, with array indexes as `*` so one allowance covers every item."""
    return "/" + "/".join("*" if isinstance(p, int) else str(p) for p in path)


def check(spec, exchanges, allowed):
    problems = []
    used = set()
    counts = {"requests": 0, "responses": 0}

    def report(where, key, text):
        if key in allowed:
            used.add(key)
            return
        problems.append(f"{where}: {text}")

    for n, ex in enumerate(exchanges, 1):
        method = ex["method"].upper()
        url = urllib.parse.urlsplit(ex["target"])
        path = url.path
        if path.startswith("/_sim"):
            continue
        where = f"#{n} {method} {ex['target']} -> {ex['status']}"
        template, item, op = spec.find(method, path)
        if template is None:
            problems.append(f"{where}: no such path in the spec")
            continue
        if op is None:
            problems.append(f"{where}: {method} is not an operation of {template}")
            continue
        params = spec.parameters(item, op)
        for name, value in urllib.parse.parse_qsl(url.query, keep_blank_values=True):
            p = params.get(("query", name))
            if p is None:
                report(where, (method, template, "request", "?" + name),
                       f"query parameter {name!r} is not in the spec")
            elif not query_value_ok(p.get("schema"), value):
                report(where, (method, template, "request", "?" + name),
                       f"query parameter {name}={value!r} is not a {p.get('schema')}")
        if ex.get("request_body"):
            counts["requests"] += 1
            schema = spec.body_schema(op.get("requestBody"))
            try:
                body = json.loads(ex["request_body"])
            except ValueError:
                problems.append(f"{where}: request body is not JSON")
                body = None
            if body is not None and schema is None:
                report(where, (method, template, "request", ""), "a body the spec does not take")
            elif body is not None:
                for e in jsonschema.Draft4Validator(schema).iter_errors(body):
                    ptr = pointer(e.absolute_path)
                    report(where, (method, template, "request", ptr),
                           f"request {ptr}: {short(e.message)}")
        responses = op.get("responses", {})
        resp = responses.get(str(ex["status"]), responses.get("default"))
        if resp is None:
            report(where, (method, template, str(ex["status"]), ""),
                   f"status {ex['status']} is not declared (declared: {sorted(responses)})")
            continue
        schema = spec.body_schema(resp)
        if schema is None or not ex.get("response_body"):
            continue
        counts["responses"] += 1
        try:
            body = json.loads(ex["response_body"])
        except ValueError:
            problems.append(f"{where}: response body is not JSON")
            continue
        for e in jsonschema.Draft4Validator(schema).iter_errors(body):
            ptr = pointer(e.absolute_path)
            report(where, (method, template, str(ex["status"]), ptr),
                   f"response {ptr}: {short(e.message)}")
    for key in sorted(set(allowed) - used):
        problems.append(f"allowed deviation never seen (remove it): {' '.join(key)}")
    return problems, counts


def load_allowed(path):
    allowed = set()
    if not path:
        return allowed
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            method, template, status, pointer = (line.split() + [""])[:4]
            allowed.add((method, template, status, pointer))
    return allowed


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    spec = Spec(load_spec(argv[1]))
    with open(argv[2], encoding="utf-8") as f:
        exchanges = [json.loads(line) for line in f if line.strip()]
    allowed = load_allowed(argv[3] if len(argv) == 4 else None)
    problems, counts = check(spec, exchanges, allowed)
    for p in problems:
        print(p)
    print(f"check_spec: {len(exchanges)} exchanges, {counts['requests']} request bodies and "
          f"{counts['responses']} response bodies validated, {len(problems)} problems")
    return 1 if problems or not exchanges else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
