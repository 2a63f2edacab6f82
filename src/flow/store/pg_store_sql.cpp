// Rows and parameters of the PostgreSQL charge store: see pg_store_sql.hpp.
#include "pg_store_sql.hpp"

#include <paystack/webhook.hpp>
#include <variant>

#include "pg/conninfo.hpp"
#include "pg_store.hpp"
#include "store_engine.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace pg_sql {
namespace {

std::optional<std::string> opt(const std::optional<std::string>& s) {
  return s;
}
std::optional<std::string> opt(const std::optional<std::int64_t>& v) {
  if (!v) return std::nullopt;
  return std::to_string(*v);
}
std::optional<std::string> token_param(std::int64_t token) {
  if (token == 0) return std::nullopt;
  return std::to_string(token);
}

std::optional<charge_outcome> outcome_named(std::string_view s) {
  for (auto o : {charge_outcome::paid, charge_outcome::declined, charge_outcome::terminal_offline,
                 charge_outcome::terminal_busy, charge_outcome::not_delivered,
                 charge_outcome::timed_out, charge_outcome::failed, charge_outcome::cancelled})
    if (to_string(o) == s) return o;
  return std::nullopt;
}

std::optional<std::int64_t> opt_integer(const pg::result& r, int row, int col) {
  if (r.is_null(row, col)) return std::nullopt;
  return r.integer(row, col);
}

/// The first part of a semantic key ("charge.success:ref" -> "charge.success").
std::string event_of(const std::string& semantic_key) {
  const auto bare = unscoped_key(semantic_key);
  return std::string(bare.substr(0, std::min<std::size_t>(bare.find(':'), 100)));
}

void describe_request(const webhook_event& w, pg::inbox_event& e) {
  if (const auto* pr = std::get_if<payment_request>(&w.data)) {
    e.request_code = capped(pr->request_code, 100);
    e.offline_reference = capped(pr->offline_reference.value_or(""), 100);
    if (pr->id != 0) e.payment_request_id = pr->id;
  } else if (const auto* f = std::get_if<invoice_payment_failed_data>(&w.data)) {
    e.request_code = capped(f->request_code.value_or(f->invoice_code.value_or("")), 100);
    e.offline_reference = capped(f->offline_reference.value_or(""), 100);
  }
}

}  // namespace

std::string capped(std::string s, std::size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  return s;
}

pg::params record_params(const charge_record& r) {
  return {r.key,
          r.terminal_id,
          r.customer,
          std::to_string(r.amount),
          r.currency,
          std::string(to_string(r.stage)),
          opt(r.request_id),
          opt(r.request_code),
          opt(r.offline_reference),
          opt(r.event_id),
          std::to_string(r.pushes),
          r.outcome ? std::optional<std::string>(std::string(to_string(*r.outcome))) : std::nullopt,
          std::string(r.open ? "true" : "false"),
          capped(r.reason, max_reason),
          opt(r.transaction_reference),
          token_param(r.fencing_token)};
}

charge_record read_record(const pg::result& r, int row) {
  charge_record c;
  c.key = std::string(r.value(row, 0));
  c.terminal_id = std::string(r.value(row, 1));
  c.customer = std::string(r.value(row, 2));
  c.amount = r.integer(row, 3);
  c.currency = std::string(r.value(row, 4));
  c.stage = journal_stage_from_string(r.value(row, 5)).value_or(charge_journal_stage::started);
  c.request_id = opt_integer(r, row, 6);
  c.request_code = r.optional(row, 7);
  c.offline_reference = r.optional(row, 8);
  c.event_id = r.optional(row, 9);
  c.pushes = static_cast<unsigned>(r.integer(row, 10));
  if (auto o = r.optional(row, 11)) c.outcome = outcome_named(*o);
  c.open = r.value(row, 12) == "t";
  c.reason = std::string(r.value(row, 13));
  c.transaction_reference = r.optional(row, 14);
  c.created_at_ms = r.integer(row, 15);
  c.updated_at_ms = r.integer(row, 16);
  c.version = static_cast<std::uint64_t>(r.integer(row, 17));
  c.fencing_token = r.integer(row, 18);
  c.request_fingerprint = r.optional(row, 19).value_or("");
  return c;
}

bool same_fields(const charge_record& stored, const charge_record& wanted) {
  return stored.key == wanted.key && stored.terminal_id == wanted.terminal_id &&
         stored.customer == wanted.customer && stored.amount == wanted.amount &&
         stored.currency == wanted.currency && stored.stage == wanted.stage &&
         stored.request_id == wanted.request_id && stored.request_code == wanted.request_code &&
         stored.offline_reference == wanted.offline_reference &&
         stored.event_id == wanted.event_id && stored.pushes == wanted.pushes &&
         stored.outcome == wanted.outcome && stored.open == wanted.open &&
         stored.reason == capped(wanted.reason, max_reason) &&
         stored.transaction_reference == wanted.transaction_reference;
}

pg::inbox_event inbox_event_of(std::string semantic_key, std::string body, std::string instance) {
  pg::inbox_event e;
  e.event = event_of(semantic_key);
  e.merchant = std::string(merchant_of_key(semantic_key));
  e.semantic_key = std::move(semantic_key);
  e.received_by = std::move(instance);
  if (auto parsed = parse_webhook_event(body)) describe_request(*parsed, e);
  e.body = std::move(body);
  return e;
}

terminal_lease to_public(pg::lease l) {
  terminal_lease out;
  out.acquired = l.acquired;
  out.terminal_id = std::move(l.terminal_id);
  out.holder = std::move(l.holder);
  out.charge_key = std::move(l.charge_key);
  out.fencing_token = l.fencing_token;
  out.expires_in = l.expires_in;
  out.stopped = l.stopped;
  return out;
}

}  // namespace pg_sql

std::string pg_instance_name() {
  return lease_holder_name();  // one naming of holders for every store (store_engine.hpp)
}

std::string redact_pg_url(std::string_view url) {
  return pg::shown_url(url);
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
