// Rows and parameters of the PostgreSQL charge store (pg_store.cpp): the SQL text of a
// charge_record and its reading back, and the inbox row of a webhook. Private to src/flow/.
#pragma once

#include <cstddef>
#include <paystack/charge_store.hpp>
#include <string>

#include "pg/connection.hpp"
#include "pg/inbox.hpp"
#include "pg/leases.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace pg_sql {

// The columns of a charge_record, in read_record's order.
inline constexpr const char* record_columns =
    "charge_key, terminal_id, customer, amount, currency, stage, request_id, request_code, "
    "offline_reference, event_id, pushes, outcome, open, reason, transaction_reference, "
    "round(extract(epoch FROM created_at) * 1000)::bigint, "
    "round(extract(epoch FROM updated_at) * 1000)::bigint, version, fencing_token, "
    "request_fingerprint";

// The text columns' caps in the schema (src/flow/store/pg/schema.cpp): longer explanations are cut.
inline constexpr std::size_t max_reason = 1000;
inline constexpr std::size_t max_detail = 4000;

/// `s` cut to at most `n` bytes, never inside a UTF-8 sequence.
std::string capped(std::string s, std::size_t n);

/// $1..$15 and $16 of begin and save: the record's fields and its fencing token.
pg::params record_params(const charge_record& r);

/// The record in row `row` of `r`, whose first columns are record_columns.
charge_record read_record(const pg::result& r, int row);

/// Whether `stored` holds the fields a write of `wanted` stores (reason capped as written).
bool same_fields(const charge_record& stored, const charge_record& wanted);

/// The inbox row of a verified webhook stored under `semantic_key` by `instance`: the event's
/// name, and the payment request it is about (so that the process whose charge awaits it can
/// find it: pg::async_find_unclaimed).
pg::inbox_event inbox_event_of(std::string semantic_key, std::string body, std::string instance);

/// The public form of a lease row.
terminal_lease to_public(pg::lease l);

}  // namespace pg_sql
}  // namespace detail
}  // namespace v0
}  // namespace paystack
