// Keyed refunds in the PostgreSQL charge store: see pg_store_refunds.hpp. As the charges'
// (pg_store.cpp): begin and save change the record's row and append the journal's in one
// statement (data-modifying CTEs), so one round trip and one transaction each.
#include "pg_store_refunds.hpp"

#include <algorithm>
#include <paystack/error.hpp>

#include "pg_store_sql.hpp"
#include "store_engine.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace pg_refunds {
namespace {

using boost::system::error_code;
using pg_sql::capped;

// The columns of a refund_record, in read_refund's order.
constexpr const char* refund_columns =
    "refund_key, txn, amount, currency, stage, transaction_id, refund_id, refund_status, outcome, "
    "reason, round(extract(epoch FROM created_at) * 1000)::bigint, "
    "round(extract(epoch FROM updated_at) * 1000)::bigint, version";
constexpr int refund_column_count = 13;

// The text columns' caps in the schema (src/flow/store/pg/schema.cpp, version 6).
constexpr std::size_t max_status = 100;

std::optional<std::string> opt(const std::optional<std::int64_t>& v) {
  if (!v) return std::nullopt;
  return std::to_string(*v);
}

/// $1..$10: the record's fields, as every write stores them.
pg::params refund_params_of(const refund_record& r) {
  return {r.key,
          r.transaction,
          std::to_string(r.amount),
          r.currency,
          std::string(to_string(r.stage)),
          opt(r.transaction_id),
          opt(r.refund_id),
          capped(r.refund_status, max_status),
          r.outcome ? std::optional<std::string>(std::string(to_string(*r.outcome))) : std::nullopt,
          capped(r.reason, pg_sql::max_reason)};
}

std::optional<std::int64_t> opt_integer(const pg::result& r, int row, int col) {
  if (r.is_null(row, col)) return std::nullopt;
  return r.integer(row, col);
}

refund_record read_refund(const pg::result& r, int row) {
  refund_record out;
  out.key = std::string(r.value(row, 0));
  out.transaction = std::string(r.value(row, 1));
  out.amount = r.integer(row, 2);
  out.currency = std::string(r.value(row, 3));
  out.stage = refund_stage_from_string(r.value(row, 4)).value_or(refund_journal_stage::started);
  out.transaction_id = opt_integer(r, row, 5);
  out.refund_id = opt_integer(r, row, 6);
  out.refund_status = std::string(r.value(row, 7));
  if (!r.is_null(row, 8)) out.outcome = refund_outcome_from_string(r.value(row, 8));
  out.reason = std::string(r.value(row, 9));
  out.created_at_ms = r.integer(row, 10);
  out.updated_at_ms = r.integer(row, 11);
  out.version = static_cast<std::uint64_t>(r.integer(row, 12));
  return out;
}

/// Whether `stored` holds the fields a write of `wanted` stores (texts capped as written).
bool same_fields(const refund_record& stored, const refund_record& wanted) {
  return stored.key == wanted.key && stored.transaction == wanted.transaction &&
         stored.amount == wanted.amount && stored.currency == wanted.currency &&
         stored.stage == wanted.stage && stored.transaction_id == wanted.transaction_id &&
         stored.refund_id == wanted.refund_id &&
         stored.refund_status == capped(wanted.refund_status, max_status) &&
         stored.outcome == wanted.outcome &&
         stored.reason == capped(wanted.reason, pg_sql::max_reason);
}

/// After a save refused on a resend: the stored record when it is exactly what an earlier attempt
/// of this save wrote (its reply lost): the next version, this save's fields, and the journal's
/// last entry this stage and detail, written by this instance.
boost::asio::awaitable<std::tuple<error_code, std::optional<refund_record>>> saved_before(
    table t, refund_record r, std::string detail, clock::time_point deadline) {
  auto op = t.run(std::string("WITH j AS (SELECT stage AS j_stage, detail AS j_detail,"
                              " instance AS j_instance FROM paystack_refund_journal WHERE"
                              " refund_key = $1 ORDER BY id DESC LIMIT 1) SELECT ") +
                      refund_columns +
                      ", j_stage, j_detail, j_instance FROM paystack_refunds LEFT JOIN j ON true"
                      " WHERE refund_key = $1",
                  pg::params{r.key}, deadline);
  auto out = co_await std::move(op);
  std::optional<refund_record> own;
  if (out.ec || out.res.rows() != 1) co_return std::tuple(out.ec, own);
  auto stored = read_refund(out.res, 0);
  constexpr int j = refund_column_count;
  const bool ours = stored.version == r.version + 1 && same_fields(stored, r) &&
                    out.res.value(0, j) == to_string(r.stage) &&
                    out.res.value(0, j + 1) == detail && out.res.value(0, j + 2) == t.instance;
  if (ours) own = std::move(stored);
  co_return std::tuple(error_code{}, std::move(own));
}

}  // namespace

boost::asio::awaitable<std::tuple<error_code, refund_record, bool>> begin(table t,
                                                                          refund_record r) {
  if (r.key.empty()) co_return std::tuple(error_code(error::invalid_argument), r, false);
  r.version = 1;
  r.stage = refund_journal_stage::started;
  if (r.created_at_ms == 0) r.created_at_ms = unix_ms();
  r.updated_at_ms = r.created_at_ms;
  const std::string select = std::string(" SELECT ") + refund_columns;
  // Column 13: whether this statement inserted the row; 14: the instance that inserted an
  // existing one (its "started" journal row).
  const std::string sql =
      "WITH ins AS (INSERT INTO paystack_refunds (refund_key, txn, amount, currency, stage,"
      " transaction_id, refund_id, refund_status, outcome, reason, version, created_at,"
      " updated_at) VALUES ($1, $2, $3::bigint, $4, $5, $6::bigint, $7::bigint, $8, $9, $10, 1,"
      " to_timestamp($11::bigint / 1000.0), to_timestamp($11::bigint / 1000.0))"
      " ON CONFLICT (refund_key) DO NOTHING RETURNING *),"
      " j AS (INSERT INTO paystack_refund_journal (refund_key, stage, detail, instance)"
      " SELECT refund_key, stage, 'started', $12 FROM ins)" +
      select + ", true, NULL::text FROM ins UNION ALL" + select +
      ", false, (SELECT instance FROM paystack_refund_journal WHERE refund_key = $1 ORDER BY id"
      " LIMIT 1) FROM paystack_refunds WHERE refund_key = $1 AND NOT EXISTS (SELECT 1 FROM ins)";
  auto p = refund_params_of(r);
  p.push_back(std::to_string(r.created_at_ms));
  p.push_back(t.instance);
  const auto deadline = clock::now() + t.timeout;
  bool maybe_ours = false;
  // A key inserted by another writer after this statement's snapshot was taken shows as no row
  // (the insert skipped it, the select cannot see it yet): the next attempt sees it.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto op = t.run(sql, p, deadline);
    auto out = co_await std::move(op);
    if (out.ec) co_return std::tuple(out.ec, r, false);
    maybe_ours = maybe_ours || out.maybe_sent_before;
    if (out.res.rows() != 1) continue;
    auto stored = read_refund(out.res, 0);
    bool inserted = out.res.value(0, refund_column_count) == "t";
    // An earlier attempt that committed with its reply lost: the row is this call's when this
    // instance inserted it with this call's creation time and fields.
    if (!inserted && maybe_ours && out.res.value(0, refund_column_count + 1) == t.instance &&
        stored.created_at_ms == r.created_at_ms && stored.transaction == r.transaction &&
        stored.amount == r.amount && stored.currency == r.currency)
      inserted = true;
    co_return std::tuple(error_code{}, std::move(stored), inserted);
  }
  co_return std::tuple(error_code(error::store_failed), r, false);
}

boost::asio::awaitable<std::tuple<error_code, refund_record>> save(table t, refund_record r,
                                                                   std::string detail) {
  const std::string sql =
      std::string(
          "WITH upd AS (UPDATE paystack_refunds r SET txn = $2, amount = $3::bigint,"
          " currency = $4, stage = $5, transaction_id = $6::bigint, refund_id = $7::bigint,"
          " refund_status = $8, outcome = $9, reason = $10, version = r.version + 1,"
          " updated_at = clock_timestamp() WHERE r.refund_key = $1 AND r.version = $11::bigint"
          " RETURNING *),"
          " j AS (INSERT INTO paystack_refund_journal (refund_key, stage, detail, instance)"
          " SELECT refund_key, stage, $12, $13 FROM upd) SELECT ") +
      refund_columns + " FROM upd";
  detail = capped(std::move(detail), pg_sql::max_detail);
  auto p = refund_params_of(r);
  p.push_back(std::to_string(r.version));
  p.push_back(detail);
  p.push_back(t.instance);
  const auto deadline = clock::now() + t.timeout;
  auto op = t.run(sql, std::move(p), deadline);
  auto out = co_await std::move(op);
  if (out.ec) co_return std::tuple(out.ec, r);
  if (out.res.rows() == 1) co_return std::tuple(error_code{}, read_refund(out.res, 0));
  if (!out.maybe_sent_before) co_return std::tuple(error_code(error::store_conflict), r);
  auto check = saved_before(t, r, detail, deadline);
  auto [cec, own] = co_await std::move(check);
  if (cec) co_return std::tuple(cec, r);
  if (!own) co_return std::tuple(error_code(error::store_conflict), r);
  co_return std::tuple(error_code{}, std::move(*own));
}

boost::asio::awaitable<std::tuple<error_code, std::optional<refund_record>>> load(table t,
                                                                                  std::string key) {
  auto op = t.run(
      std::string("SELECT ") + refund_columns + " FROM paystack_refunds WHERE refund_key = $1",
      pg::params{std::move(key)}, clock::now() + t.timeout);
  auto out = co_await std::move(op);
  std::optional<refund_record> rec;
  if (!out.ec && out.res.rows() == 1) rec = read_refund(out.res, 0);
  co_return std::tuple(out.ec, std::move(rec));
}

boost::asio::awaitable<std::tuple<error_code, std::vector<refund_record>>> list(
    table t, refund_list_filter f) {
  std::string sql = std::string("SELECT ") + refund_columns + " FROM paystack_refunds WHERE true";
  if (f.unfinished_only) sql += " AND stage <> 'finished'";
  pg::params params{std::to_string(std::min(f.limit, max_charge_list))};
  if (!f.after.empty()) {
    sql +=
        " AND (created_at, refund_key) > (SELECT created_at, refund_key FROM paystack_refunds"
        " WHERE refund_key = $2)";
    params.push_back(f.after);
  }
  sql += " ORDER BY created_at, refund_key LIMIT $1::int";
  auto op = t.run(std::move(sql), std::move(params), clock::now() + t.timeout);
  auto out = co_await std::move(op);
  std::vector<refund_record> records;
  for (int i = 0; !out.ec && i < out.res.rows(); ++i) records.push_back(read_refund(out.res, i));
  co_return std::tuple(out.ec, std::move(records));
}

boost::asio::awaitable<std::tuple<error_code, std::vector<refund_journal_entry>>> history(
    table t, std::string key) {
  auto op = t.run(
      "SELECT id, stage, round(extract(epoch FROM recorded_at) * 1000)::bigint,"
      " coalesce(detail, '') FROM paystack_refund_journal WHERE refund_key = $1"
      " ORDER BY id LIMIT 1000",
      pg::params{std::move(key)}, clock::now() + t.timeout);
  auto out = co_await std::move(op);
  std::vector<refund_journal_entry> entries;
  for (int i = 0; !out.ec && i < out.res.rows(); ++i) {
    refund_journal_entry e;
    e.sequence = static_cast<std::uint64_t>(out.res.integer(i, 0));
    e.stage = refund_stage_from_string(out.res.value(i, 1)).value_or(refund_journal_stage::started);
    e.at_ms = out.res.integer(i, 2);
    e.detail = std::string(out.res.value(i, 3));
    entries.push_back(std::move(e));
  }
  co_return std::tuple(out.ec, std::move(entries));
}

}  // namespace pg_refunds
}  // namespace detail
}  // namespace v0
}  // namespace paystack
