// The refund tables of the SQLite store (schema version 5): one row per refund key and its
// journal, on the engine's own connection and thread (sqlite_schema.cpp opens it and migrates
// the schema; sqlite_engine hands its connection here). Every write is one transaction of the
// engine's (sqlite_write_transactions): alone, or a savepoint of a group commit's batch.
#include <sqlite3.h>

#include <paystack/error.hpp>

#include "failpoint.hpp"
#include "store/refund_engine.hpp"
#include "store/sqlite_engine.hpp"
#include "store/store_engine.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

const char* const sqlite_refund_schema_sql = R"sql(
CREATE TABLE refunds (
  refund_key TEXT PRIMARY KEY,
  txn TEXT NOT NULL,
  amount BIGINT NOT NULL,
  currency TEXT NOT NULL,
  stage TEXT NOT NULL,
  transaction_id BIGINT,
  refund_id BIGINT,
  refund_status TEXT NOT NULL,
  outcome TEXT,
  reason TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL
);
CREATE TABLE refund_journal (
  sequence INTEGER PRIMARY KEY,
  refund_key TEXT NOT NULL,
  stage TEXT NOT NULL,
  at BIGINT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX refund_journal_key ON refund_journal (refund_key, sequence);
)sql";

namespace {

using boost::system::error_code;

constexpr const char* refund_columns =
    "refund_key, txn, amount, currency, stage, transaction_id, refund_id, refund_status, "
    "outcome, reason, created_at, updated_at, version";

refund_record read_refund(const statement& st) {
  refund_record r;
  r.key = st.text(0);
  r.transaction = st.text(1);
  r.amount = st.integer(2);
  r.currency = st.text(3);
  r.stage = refund_stage_from_string(st.text(4)).value_or(refund_journal_stage::started);
  r.transaction_id = st.opt_integer(5);
  r.refund_id = st.opt_integer(6);
  r.refund_status = st.text(7);
  r.outcome = refund_outcome_from_string(st.text(8));
  r.reason = st.text(9);
  r.created_at_ms = st.integer(10);
  r.updated_at_ms = st.integer(11);
  r.version = static_cast<std::uint64_t>(st.integer(12));
  return r;
}

void bind_refund(statement& st, const refund_record& r) {
  st.bind(1, r.key);
  st.bind(2, r.transaction);
  st.bind(3, r.amount);
  st.bind(4, r.currency);
  st.bind(5, std::string(to_string(r.stage)));
  st.bind(6, r.transaction_id);
  st.bind(7, r.refund_id);
  st.bind(8, r.refund_status);
  st.bind(9, r.outcome ? std::string(to_string(*r.outcome)) : std::string());
  st.bind(10, r.reason);
  st.bind(11, r.created_at_ms);
  st.bind(12, r.updated_at_ms);
  st.bind(13, static_cast<std::int64_t>(r.version));
}

class sqlite_refund_engine final : public refund_engine {
 public:
  sqlite_refund_engine(sqlite3* db, sqlite_write_transactions& tx) : db_(db), tx_(tx) {}

  error_code begin(refund_record& rec, bool& inserted) override {
    if (!tx_.open_transaction()) return error::store_failed;
    std::optional<refund_record> existing;
    if (auto ec = read(rec.key, existing)) return tx_.rollback(ec);
    inserted = !existing;
    if (existing) {
      rec = std::move(*existing);
      return tx_.commit();
    }
    const std::string insert = std::string("INSERT INTO refunds (") + refund_columns +
                               ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
    statement st(db_, insert.c_str());
    if (!st.ok()) return tx_.rollback(error::store_failed);
    bind_refund(st, rec);
    if (st.step() != SQLITE_DONE) return tx_.rollback(error::store_failed);
    if (auto ec = append(rec, "started")) return tx_.rollback(ec);
    return tx_.commit();
  }

  error_code save(refund_record& rec, const std::string& detail) override {
    if (!tx_.open_transaction()) return error::store_failed;
    std::optional<refund_record> stored;
    if (auto ec = read(rec.key, stored)) return tx_.rollback(ec);
    if (!stored || stored->version != rec.version) return tx_.rollback(error::store_conflict);
    auto next = rec;
    next.version += 1;
    next.updated_at_ms = unix_ms();
    statement st(
        db_,
        "UPDATE refunds SET txn = ?2, amount = ?3, currency = ?4, stage = ?5, "
        "transaction_id = ?6, refund_id = ?7, refund_status = ?8, outcome = ?9, reason = ?10, "
        "created_at = ?11, updated_at = ?12, version = ?13 WHERE refund_key = ?1");
    if (!st.ok()) return tx_.rollback(error::store_failed);
    bind_refund(st, next);
    if (st.step() != SQLITE_DONE) return tx_.rollback(error::store_failed);
    if (auto ec = append(next, detail)) return tx_.rollback(ec);
    if (auto ec = tx_.commit()) return ec;
    rec = std::move(next);
    return {};
  }

  error_code load(const std::string& key, std::optional<refund_record>& out) override {
    return read(key, out);
  }

  error_code list(const refund_list_filter& f, std::vector<refund_record>& out) override {
    std::string sql = std::string("SELECT ") + refund_columns + " FROM refunds WHERE 1 = 1";
    if (f.unfinished_only) sql += " AND stage <> 'finished'";
    if (!f.after.empty())
      sql +=
          " AND (created_at, refund_key) > (SELECT created_at, refund_key FROM refunds WHERE "
          "refund_key = ?1)";
    sql += " ORDER BY created_at, refund_key LIMIT " +
           std::to_string(std::min(f.limit, max_charge_list));
    statement st(db_, sql.c_str());
    if (!st.ok()) return error::store_failed;
    if (!f.after.empty()) st.bind(1, f.after);
    int rc = 0;
    while ((rc = st.step()) == SQLITE_ROW) out.push_back(read_refund(st));
    return rc == SQLITE_DONE ? error_code{} : error_code(error::store_failed);
  }

  error_code history(const std::string& key, std::vector<refund_journal_entry>& out) override {
    statement st(db_,
                 "SELECT sequence, stage, at, detail FROM refund_journal WHERE refund_key = ? "
                 "ORDER BY sequence");
    if (!st.ok()) return error::store_failed;
    st.bind(1, key);
    int rc = 0;
    while ((rc = st.step()) == SQLITE_ROW) {
      out.push_back(refund_journal_entry{
          static_cast<std::uint64_t>(st.integer(0)),
          refund_stage_from_string(st.text(1)).value_or(refund_journal_stage::started),
          st.integer(2), st.text(3)});
    }
    return rc == SQLITE_DONE ? error_code{} : error_code(error::store_failed);
  }

 private:
  error_code read(const std::string& key, std::optional<refund_record>& out) {
    const std::string select =
        std::string("SELECT ") + refund_columns + " FROM refunds WHERE refund_key = ?";
    statement st(db_, select.c_str());
    if (!st.ok()) return error::store_failed;
    st.bind(1, key);
    const int rc = st.step();
    if (rc == SQLITE_ROW) out = read_refund(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? error_code{} : error_code(error::store_failed);
  }
  /// Appends the journal entry of `r`, the last write of begin and save before their commit:
  /// the failpoint refund_journal_write:STAGE (tests) kills the process with the record and its
  /// entry written and not committed.
  error_code append(const refund_record& r, const std::string& detail) {
    statement st(db_,
                 "INSERT INTO refund_journal (refund_key, stage, at, detail) VALUES (?,?,?,?)");
    if (!st.ok()) return error::store_failed;
    st.bind(1, r.key);
    st.bind(2, std::string(to_string(r.stage)));
    st.bind(3, r.updated_at_ms);
    st.bind(4, detail);
    if (st.step() != SQLITE_DONE) return error::store_failed;
    failpoint(std::string("refund_journal_write:").append(to_string(r.stage)));
    return {};
  }
  sqlite3* db_;
  sqlite_write_transactions& tx_;
};

}  // namespace

std::unique_ptr<refund_engine> make_sqlite_refund_engine(sqlite3* db,
                                                         sqlite_write_transactions& tx) {
  return std::make_unique<sqlite_refund_engine>(db, tx);
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
