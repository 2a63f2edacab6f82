// A POS back office charging on a terminal through `paystack-terminal serve`, with Node's
// standard library only (fetch, Node 18+; doc/serve.md).
//
//   SERVE_URL=http://127.0.0.1:8080 PAYSTACK_SERVE_TOKEN=... node pos_client.mjs TERMINAL_ID
//
// Starts a sale, repeats the request (the same charge, never a second one), follows the
// journal as server-sent events until the charge finishes, and prints the outcome.
// Exit 0 when paid, 1 otherwise.
import { randomUUID } from "node:crypto";
import assert from "node:assert/strict";

const base = process.env.SERVE_URL ?? "http://127.0.0.1:8080";
const token = process.env.PAYSTACK_SERVE_TOKEN;

async function call(method, path, body, bearer = token) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${bearer}`,
               ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, headers: res.headers, json: await res.json() };
}

const sale = { key: `order-${randomUUID().slice(0, 12)}`, terminal_id: process.argv[2],
               amount: 5000, customer: process.argv[3] ?? "CUS_pos0001" };
const first = await call("POST", "/v1/charges", sale);
assert.equal(first.status, 202, JSON.stringify(first.json));
const location = first.headers.get("location");
const again = await call("POST", "/v1/charges", sale);
assert.equal(again.status, 200);
assert.equal((await call("POST", "/v1/charges", { ...sale, amount: 1 })).json.error.code,
             "key_reused");

// The journal as it is written; the stream ends when the charge finishes.
const events = await fetch(`${base}${location}/events`,
                           { headers: { Authorization: `Bearer ${token}` } });
assert.equal(events.headers.get("content-type"), "text/event-stream");
const text = await events.text();
const stages = [...text.split("event: end")[0].matchAll(/"stage":"([a-z_]+)"/g)].map((m) => m[1]);
const end = JSON.parse(text.split("event: end\ndata: ")[1].split("\n")[0]);
console.log(`${end.key}: ${end.outcome} (journal: ${stages.join(" > ")})`);
process.exit(end.outcome === "paid" ? 0 : 1);
