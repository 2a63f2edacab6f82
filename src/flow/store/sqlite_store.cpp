// The SQLite engine (sqlite_engine.hpp): charges, their journal and the webhook record; one
// write's transaction (BEGIN IMMEDIATE, or a savepoint of a group commit's batch). WAL,
// synchronous=FULL and the schema: sqlite_schema.cpp; leases: sqlite_leases.cpp. The SQL outside
// the pragmas and BEGIN IMMEDIATE is plain SQL that PostgreSQL accepts too.
#include <paystack/error.hpp>

#include "failpoint.hpp"
#include "sqlite_engine.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

using boost::system::error_code;

namespace {

constexpr const char* columns =
    "charge_key, terminal_id, customer, amount, currency, stage, request_id, request_code, "
    "offline_reference, event_id, pushes, outcome, is_open, reason, transaction_reference, "
    "created_at, updated_at, version, fencing_token, request_fingerprint";

std::optional<charge_outcome> outcome_from_string(std::string_view s) {
  for (auto o : {charge_outcome::paid, charge_outcome::declined, charge_outcome::terminal_offline,
                 charge_outcome::terminal_busy, charge_outcome::not_delivered,
                 charge_outcome::timed_out, charge_outcome::failed, charge_outcome::cancelled})
    if (to_string(o) == s) return o;
  return std::nullopt;
}

}  // namespace

error_code sqlite_engine::begin(charge_record& rec, bool& inserted) {
  if (!open_transaction()) return error::store_failed;
  std::optional<charge_record> existing;
  if (auto ec = load(rec.key, existing)) return rollback(ec);
  if (existing) {
    inserted = false;
    rec = std::move(*existing);
    return commit();
  }
  {
    std::string sql = std::string("INSERT INTO charges (") + columns +
                      ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    statement st(db_, sql.c_str());
    if (!st.ok()) return rollback(error::store_failed);
    bind_record(st, rec);
    st.bind(20, rec.request_fingerprint.empty()
                    ? std::nullopt
                    : std::optional<std::string>(rec.request_fingerprint));
    if (st.step() != SQLITE_DONE) return rollback(error::store_failed);
  }
  if (auto ec = append(rec, "started")) return rollback(ec);
  inserted = true;
  return commit();
}

error_code sqlite_engine::save(charge_record& rec, const std::string& detail) {
  if (!open_transaction()) return error::store_failed;
  const auto old_version = rec.version;
  charge_record next = rec;
  next.version = old_version + 1;
  next.updated_at_ms = unix_ms();
  std::optional<charge_record> stored;
  if (auto ec = load(rec.key, stored)) return rollback(ec);
  if (stored) {
    bool fenced_out = false;
    if (auto ec = fenced(*stored, rec.fencing_token, fenced_out)) return rollback(ec);
    if (fenced_out) return rollback(error::store_conflict);
    if (rec.fencing_token == 0) next.fencing_token = stored->fencing_token;
    next.request_fingerprint = stored->request_fingerprint;  // written by begin only
  }
  {
    statement st(db_,
                 "UPDATE charges SET charge_key=?, terminal_id=?, customer=?, amount=?, "
                 "currency=?, stage=?, request_id=?, request_code=?, offline_reference=?, "
                 "event_id=?, pushes=?, outcome=?, is_open=?, reason=?, "
                 "transaction_reference=?, created_at=?, updated_at=?, version=?, "
                 "fencing_token=? WHERE charge_key=? AND version=?");
    if (!st.ok()) return rollback(error::store_failed);
    bind_record(st, next);
    st.bind(20, next.key);
    st.bind(21, static_cast<std::int64_t>(old_version));
    if (st.step() != SQLITE_DONE) return rollback(error::store_failed);
  }
  if (sqlite3_changes(db_) != 1) return rollback(error::store_conflict);
  if (auto ec = append(next, detail)) return rollback(ec);
  failpoint("journal_write");
  failpoint(std::string("journal_write:").append(to_string(next.stage)));
  if (auto ec = commit()) return ec;
  rec = std::move(next);
  return {};
}

error_code sqlite_engine::load(const std::string& key, std::optional<charge_record>& out) {
  std::string sql = std::string("SELECT ") + columns + " FROM charges WHERE charge_key=?";
  statement st(db_, sql.c_str());
  if (!st.ok()) return error::store_failed;
  st.bind(1, key);
  const int rc = st.step();
  if (rc == SQLITE_ROW) {
    out = read_record(st);
    return {};
  }
  return rc == SQLITE_DONE ? error_code() : error_code(error::store_failed);
}

error_code sqlite_engine::list(const charge_list_filter& f, std::vector<charge_record>& out) {
  std::string sql = std::string("SELECT ") + columns + " FROM charges WHERE 1=1";
  if (f.unfinished_only) sql += " AND stage <> 'finished'";
  if (f.open_only)
    sql += f.unfinished_only ? " AND 1=0" : " AND stage = 'finished' AND is_open = 1";
  if (!f.after.empty()) {
    sql +=
        " AND (created_at, charge_key) > (SELECT created_at, charge_key FROM charges WHERE "
        "charge_key = ?2)";
  }
  sql += " ORDER BY created_at, charge_key LIMIT ?1";
  statement st(db_, sql.c_str());
  if (!st.ok()) return error::store_failed;
  st.bind(1, static_cast<std::int64_t>(std::min(f.limit, max_charge_list)));
  if (!f.after.empty()) st.bind(2, f.after);
  int rc = SQLITE_ROW;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(read_record(st));
  return rc == SQLITE_DONE ? error_code() : error_code(error::store_failed);
}

error_code sqlite_engine::history(const std::string& key, std::vector<charge_journal_entry>& out) {
  statement st(db_,
               "SELECT sequence, stage, at, detail FROM charge_journal WHERE charge_key=? "
               "ORDER BY sequence LIMIT 1000");
  if (!st.ok()) return error::store_failed;
  st.bind(1, key);
  int rc = SQLITE_ROW;
  while ((rc = st.step()) == SQLITE_ROW) {
    charge_journal_entry e;
    e.sequence = static_cast<std::uint64_t>(st.integer(0));
    e.stage = journal_stage_from_string(st.text(1)).value_or(charge_journal_stage::started);
    e.at_ms = st.integer(2);
    e.detail = st.text(3);
    out.push_back(std::move(e));
  }
  return rc == SQLITE_DONE ? error_code() : error_code(error::store_failed);
}

error_code sqlite_engine::record_webhook(const std::string& key, const std::string& body,
                                         bool& fresh) {
  statement st(db_,
               "INSERT INTO webhook_events (semantic_key, received_at, body, merchant) "
               "VALUES (?,?,?,?) ON CONFLICT (semantic_key) DO NOTHING");
  if (!st.ok()) return error::store_failed;
  st.bind(1, key);
  st.bind(2, unix_ms());
  st.bind(3, body);
  st.bind(4, std::string(merchant_of_key(key)));
  if (st.step() != SQLITE_DONE) return error::store_failed;
  fresh = sqlite3_changes(db_) == 1;
  return {};
}

error_code sqlite_engine::fail(std::string& why) {
  why = "charge store " + path_ + ": " + sqlite3_errmsg(db_);
  return error::store_failed;
}

bool sqlite_engine::exec(const char* sql) {
  return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

bool sqlite_engine::begin_batch() {
  if (batch_ || !exec("BEGIN IMMEDIATE")) return false;
  batch_ = true;
  return true;
}

error_code sqlite_engine::end_batch() {
  if (!batch_) return {};
  batch_ = false;
  // An I/O error inside the batch may have rolled it back already (autocommit again).
  if (sqlite3_get_autocommit(db_) == 0 && exec("COMMIT")) return {};
  exec("ROLLBACK");
  return error::store_failed;
}

error_code sqlite_engine::commit() {
  if (batch_) {
    if (exec("RELEASE charge_write")) return {};
    return rollback(error::store_failed);
  }
  if (exec("COMMIT")) return {};
  exec("ROLLBACK");
  return error::store_failed;
}

error_code sqlite_engine::rollback(error_code ec) {
  if (batch_) {
    exec("ROLLBACK TO charge_write");
    exec("RELEASE charge_write");
  } else {
    exec("ROLLBACK");
  }
  return ec;
}

error_code sqlite_engine::append(const charge_record& r, const std::string& detail) {
  statement st(db_, "INSERT INTO charge_journal (charge_key, stage, at, detail) VALUES (?,?,?,?)");
  if (!st.ok()) return error::store_failed;
  st.bind(1, r.key);
  st.bind(2, std::string(to_string(r.stage)));
  st.bind(3, r.updated_at_ms);
  st.bind(4, detail);
  return st.step() == SQLITE_DONE ? error_code() : error_code(error::store_failed);
}

void sqlite_engine::bind_record(statement& st, const charge_record& r) {
  st.bind(1, r.key);
  st.bind(2, r.terminal_id);
  st.bind(3, r.customer);
  st.bind(4, r.amount);
  st.bind(5, r.currency);
  st.bind(6, std::string(to_string(r.stage)));
  st.bind(7, r.request_id);
  st.bind(8, r.request_code);
  st.bind(9, r.offline_reference);
  st.bind(10, r.event_id);
  st.bind(11, static_cast<std::int64_t>(r.pushes));
  st.bind(12, r.outcome ? std::optional<std::string>(std::string(to_string(*r.outcome)))
                        : std::nullopt);
  st.bind(13, std::int64_t{r.open ? 1 : 0});
  st.bind(14, r.reason);
  st.bind(15, r.transaction_reference);
  st.bind(16, r.created_at_ms);
  st.bind(17, r.updated_at_ms);
  st.bind(18, static_cast<std::int64_t>(r.version));
  st.bind(19, r.fencing_token != 0 ? std::optional<std::int64_t>(r.fencing_token) : std::nullopt);
}

charge_record sqlite_engine::read_record(const statement& st) {
  charge_record r;
  r.key = st.text(0);
  r.terminal_id = st.text(1);
  r.customer = st.text(2);
  r.amount = st.integer(3);
  r.currency = st.text(4);
  r.stage = journal_stage_from_string(st.text(5)).value_or(charge_journal_stage::started);
  r.request_id = st.opt_integer(6);
  r.request_code = st.opt_text(7);
  r.offline_reference = st.opt_text(8);
  r.event_id = st.opt_text(9);
  r.pushes = static_cast<unsigned>(st.integer(10));
  if (auto o = st.opt_text(11)) r.outcome = outcome_from_string(*o);
  r.open = st.integer(12) != 0;
  r.reason = st.text(13);
  r.transaction_reference = st.opt_text(14);
  r.created_at_ms = st.integer(15);
  r.updated_at_ms = st.integer(16);
  r.version = static_cast<std::uint64_t>(st.integer(17));
  r.fencing_token = st.opt_integer(18).value_or(0);
  r.request_fingerprint = st.opt_text(19).value_or("");
  return r;
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
