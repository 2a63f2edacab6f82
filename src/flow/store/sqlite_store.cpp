// The SQLite engine of paystack::charge_store: one connection, used from the store's own thread
// only (doc/adr/0007-charge-store.md). WAL, synchronous=FULL, a busy timeout, BEGIN IMMEDIATE
// for every write, a schema version table. The SQL outside this file's pragmas and BEGIN
// IMMEDIATE is plain SQL that PostgreSQL accepts too.
#include <sqlite3.h>

#include <paystack/error.hpp>

#include "failpoint.hpp"
#include "store_engine.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

using boost::system::error_code;

/// The schema this library writes. A store whose version is higher is refused.
constexpr int schema_version = 2;

/// The SQLite header's application_id of a charge store ("PSTC"): set when the store is created
/// (or first opened by a version that sets it), checked on every open. A file with another id,
/// or with tables and no id and no charge store schema, is another program's: refused untouched.
constexpr std::int32_t store_application_id = 0x50535443;

constexpr const char* schema_sql = R"sql(
CREATE TABLE IF NOT EXISTS paystack_schema (
  component TEXT PRIMARY KEY,
  version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS charges (
  charge_key TEXT PRIMARY KEY,
  terminal_id TEXT NOT NULL,
  customer TEXT NOT NULL,
  amount BIGINT NOT NULL,
  currency TEXT NOT NULL,
  stage TEXT NOT NULL,
  request_id BIGINT,
  request_code TEXT,
  offline_reference TEXT,
  event_id TEXT,
  pushes INTEGER NOT NULL,
  outcome TEXT,
  is_open INTEGER NOT NULL,
  reason TEXT NOT NULL,
  transaction_reference TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS charge_journal (
  sequence INTEGER PRIMARY KEY,
  charge_key TEXT NOT NULL,
  stage TEXT NOT NULL,
  at BIGINT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS charge_journal_key ON charge_journal (charge_key, sequence);
CREATE TABLE IF NOT EXISTS webhook_events (
  semantic_key TEXT PRIMARY KEY,
  received_at BIGINT NOT NULL,
  body TEXT NOT NULL
);
)sql";

// Version 2 (issue 21): terminal leases between the processes sharing the file, as the
// PostgreSQL store has them (doc/fleet.md): expiry by the system clock (one machine), fencing
// tokens from one counter, the charge's last token.
constexpr const char* schema_v2_sql = R"sql(
ALTER TABLE charges ADD COLUMN fencing_token BIGINT;
CREATE TABLE terminal_leases (
  terminal_id TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  charge_key TEXT NOT NULL,
  fencing_token BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  stopped INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX terminal_leases_key ON terminal_leases (charge_key);
CREATE TABLE lease_tokens (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  last BIGINT NOT NULL
);
INSERT INTO lease_tokens (singleton, last) VALUES (1, 0);
)sql";

constexpr const char* lease_columns =
    "terminal_id, holder, charge_key, fencing_token, expires_at, stopped";

constexpr const char* columns =
    "charge_key, terminal_id, customer, amount, currency, stage, request_id, request_code, "
    "offline_reference, event_id, pushes, outcome, is_open, reason, transaction_reference, "
    "created_at, updated_at, version, fencing_token";

std::optional<charge_outcome> outcome_from_string(std::string_view s) {
  for (auto o : {charge_outcome::paid, charge_outcome::declined, charge_outcome::terminal_offline,
                 charge_outcome::terminal_busy, charge_outcome::not_delivered,
                 charge_outcome::timed_out, charge_outcome::failed, charge_outcome::cancelled})
    if (to_string(o) == s) return o;
  return std::nullopt;
}

/// A prepared statement, finalized on destruction.
class statement {
 public:
  statement(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &st_, nullptr); }
  ~statement() { sqlite3_finalize(st_); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }

  void bind(int i, const std::string& s) {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(st_, i, v); }
  void bind(int i, const std::optional<std::string>& s) {
    if (s)
      bind(i, *s);
    else
      sqlite3_bind_null(st_, i);
  }
  void bind(int i, const std::optional<std::int64_t>& v) {
    if (v)
      bind(i, *v);
    else
      sqlite3_bind_null(st_, i);
  }
  /// SQLITE_ROW, SQLITE_DONE or an error.
  int step() { return sqlite3_step(st_); }

  std::string text(int i) const {
    auto* p = sqlite3_column_text(st_, i);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(st_, i)))
             : std::string();
  }
  std::optional<std::string> opt_text(int i) const {
    if (sqlite3_column_type(st_, i) == SQLITE_NULL) return std::nullopt;
    return text(i);
  }
  std::int64_t integer(int i) const { return sqlite3_column_int64(st_, i); }
  std::optional<std::int64_t> opt_integer(int i) const {
    if (sqlite3_column_type(st_, i) == SQLITE_NULL) return std::nullopt;
    return integer(i);
  }

 private:
  sqlite3_stmt* st_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

class sqlite_engine final : public store_engine {
 public:
  sqlite_engine(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~sqlite_engine() override { sqlite3_close_v2(db_); }

  std::string describe() const override { return "sqlite:" + path_; }

  error_code begin(charge_record& rec, bool& inserted) override {
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
                        ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
      statement st(db_, sql.c_str());
      if (!st.ok()) return rollback(error::store_failed);
      bind_record(st, rec);
      if (st.step() != SQLITE_DONE) return rollback(error::store_failed);
    }
    if (auto ec = append(rec, "started")) return rollback(ec);
    inserted = true;
    return commit();
  }

  error_code save(charge_record& rec, const std::string& detail) override {
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

  error_code load(const std::string& key, std::optional<charge_record>& out) override {
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

  error_code list(const charge_list_filter& f, std::vector<charge_record>& out) override {
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

  error_code history(const std::string& key, std::vector<charge_journal_entry>& out) override {
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

  error_code record_webhook(const std::string& key, const std::string& body, bool& fresh) override {
    statement st(db_,
                 "INSERT INTO webhook_events (semantic_key, received_at, body) VALUES (?,?,?) "
                 "ON CONFLICT (semantic_key) DO NOTHING");
    if (!st.ok()) return error::store_failed;
    st.bind(1, key);
    st.bind(2, unix_ms());
    st.bind(3, body);
    if (st.step() != SQLITE_DONE) return error::store_failed;
    fresh = sqlite3_changes(db_) == 1;
    return {};
  }

  bool leases() const override { return true; }

  error_code acquire_lease(const std::string& terminal_id, const std::string& holder,
                           const std::string& charge_key, std::chrono::milliseconds ttl,
                           terminal_lease& out) override {
    if (!open_transaction()) return error::store_failed;
    const auto now = unix_ms();
    std::optional<terminal_lease> current;
    if (auto ec = find_lease(terminal_id, now, current)) return rollback(ec);
    // Taken over when expired, or by this key (its rerun or resume) when stopped or held by a
    // process of this machine that is gone.
    const bool own_key = current && current->charge_key == charge_key;
    if (current && current->expires_in.count() > 0 &&
        !(own_key && (current->stopped || holder_is_dead(current->holder)))) {
      out = std::move(*current);
      out.acquired = false;
      return commit();
    }
    if (!exec("UPDATE lease_tokens SET last = last + 1 WHERE singleton = 1"))
      return rollback(error::store_failed);
    std::int64_t token = 0;
    {
      statement st(db_, "SELECT last FROM lease_tokens WHERE singleton = 1");
      if (!st.ok() || st.step() != SQLITE_ROW) return rollback(error::store_failed);
      token = st.integer(0);
    }
    {
      statement st(db_, (std::string("INSERT OR REPLACE INTO terminal_leases (") + lease_columns +
                         ") VALUES (?,?,?,?,?,0)")
                            .c_str());
      if (!st.ok()) return rollback(error::store_failed);
      st.bind(1, terminal_id);
      st.bind(2, holder);
      st.bind(3, charge_key);
      st.bind(4, token);
      st.bind(5, now + ttl.count());
      if (st.step() != SQLITE_DONE) return rollback(error::store_failed);
    }
    out = terminal_lease{.acquired = true,
                         .terminal_id = terminal_id,
                         .holder = holder,
                         .charge_key = charge_key,
                         .fencing_token = token,
                         .expires_in = ttl,
                         .stopped = false};
    return commit();
  }

  error_code extend_lease(const std::string& terminal_id, std::int64_t token,
                          std::chrono::milliseconds ttl, bool stop, bool& done) override {
    statement st(db_,
                 "UPDATE terminal_leases SET expires_at = ?, stopped = max(stopped, ?) "
                 "WHERE terminal_id = ? AND fencing_token = ? AND (? = 1 OR stopped = 0)");
    if (!st.ok()) return error::store_failed;
    st.bind(1, unix_ms() + ttl.count());
    st.bind(2, std::int64_t{stop ? 1 : 0});
    st.bind(3, terminal_id);
    st.bind(4, token);
    st.bind(5, std::int64_t{stop ? 1 : 0});
    if (st.step() != SQLITE_DONE) return error::store_failed;
    done = sqlite3_changes(db_) == 1;
    return {};
  }

  error_code release_lease(const std::string& terminal_id, const std::string& holder,
                           std::int64_t token, bool& released) override {
    statement st(db_,
                 "DELETE FROM terminal_leases WHERE terminal_id = ? AND (? = '' OR holder = ?) "
                 "AND (? = 0 OR fencing_token = ?)");
    if (!st.ok()) return error::store_failed;
    st.bind(1, terminal_id);
    st.bind(2, holder);
    st.bind(3, holder);
    st.bind(4, token);
    st.bind(5, token);
    if (st.step() != SQLITE_DONE) return error::store_failed;
    released = sqlite3_changes(db_) == 1;
    return {};
  }

  error_code list_leases(std::vector<terminal_lease>& out) override {
    statement st(db_, (std::string("SELECT ") + lease_columns +
                       " FROM terminal_leases ORDER BY terminal_id LIMIT 1000")
                          .c_str());
    if (!st.ok()) return error::store_failed;
    const auto now = unix_ms();
    int rc = SQLITE_ROW;
    while ((rc = st.step()) == SQLITE_ROW) out.push_back(read_lease(st, now));
    return rc == SQLITE_DONE ? error_code() : error_code(error::store_failed);
  }

  /// Whether the file is a charge store, or empty (before anything is written to it): its
  /// application_id is ours, or it has none and either no tables at all or the schema table of
  /// an earlier version (which migrate() then marks). Fills `why` when it is not.
  error_code check_ours(std::string& why) {
    std::int64_t id = 0;
    {
      statement st(db_, "PRAGMA application_id");
      if (!st.ok()) return fail(why);
      const int rc = st.step();
      if (rc != SQLITE_ROW) return fail(why);
      id = st.integer(0);
    }
    if (id == store_application_id) return {};
    const std::string refused = "the file " + path_ + " is not a charge store";
    const std::string untouched = ": refused, nothing was written to it";
    if (id != 0) {
      why = refused + " (another program's SQLite database, application_id " + std::to_string(id) +
            ")" + untouched;
      return error::store_failed;
    }
    std::int64_t objects = 0;
    bool ours = false;
    {
      statement st(db_, "SELECT count(*) FROM sqlite_master");
      if (!st.ok() || st.step() != SQLITE_ROW) return fail(why);
      objects = st.integer(0);
    }
    if (objects == 0) return {};  // a new file, or an empty database: ours to create
    {
      statement st(db_,
                   "SELECT count(*) FROM sqlite_master WHERE type='table' AND "
                   "name='paystack_schema'");
      if (!st.ok() || st.step() != SQLITE_ROW) return fail(why);
      ours = st.integer(0) == 1;
    }
    if (ours) {
      statement st(db_, "SELECT count(*) FROM paystack_schema WHERE component='charges'");
      ours = st.ok() && st.step() == SQLITE_ROW && st.integer(0) == 1;
    }
    if (!ours) {
      why = refused + " (a SQLite database with tables of another program)" + untouched;
      return error::store_failed;
    }
    return {};
  }

  /// Creates or checks the schema, and marks the file as a charge store (application_id).
  /// Fills `why` when refused.
  error_code migrate(std::string& why) {
    if (!exec("BEGIN IMMEDIATE")) return fail(why);
    if (!exec(schema_sql)) {
      auto ec = fail(why);
      exec("ROLLBACK");
      return ec;
    }
    int found = 0;
    {
      statement st(db_, "SELECT version FROM paystack_schema WHERE component='charges'");
      if (st.ok() && st.step() == SQLITE_ROW) found = static_cast<int>(st.integer(0));
    }
    if (found > schema_version) {
      exec("ROLLBACK");
      why = "the charge store " + path_ + " was written by schema version " +
            std::to_string(found) + "; this library reads version " +
            std::to_string(schema_version) + " at most: upgrade the library";
      return error::store_too_new;
    }
    if (found < 2 && !exec(schema_v2_sql)) {
      auto ec = fail(why);
      exec("ROLLBACK");
      return ec;
    }
    if (found < schema_version &&
        !exec("INSERT INTO paystack_schema (component, version) VALUES ('charges', 2) "
              "ON CONFLICT (component) DO UPDATE SET version = excluded.version")) {
      auto ec = fail(why);
      exec("ROLLBACK");
      return ec;
    }
    if (!exec(("PRAGMA application_id = " + std::to_string(store_application_id)).c_str())) {
      auto ec = fail(why);
      exec("ROLLBACK");
      return ec;
    }
    if (auto ec = commit()) return fail(why);
    return {};
  }

  error_code fail(std::string& why) {
    why = "charge store " + path_ + ": " + sqlite3_errmsg(db_);
    return error::store_failed;
  }

  bool exec(const char* sql) {
    return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  }

  bool begin_batch() override {
    if (batch_ || !exec("BEGIN IMMEDIATE")) return false;
    batch_ = true;
    return true;
  }

  error_code end_batch() override {
    if (!batch_) return {};
    batch_ = false;
    // An I/O error inside the batch may have rolled it back already (autocommit again).
    if (sqlite3_get_autocommit(db_) == 0 && exec("COMMIT")) return {};
    exec("ROLLBACK");
    return error::store_failed;
  }

 private:
  /// One write's transaction: BEGIN IMMEDIATE, or a savepoint of the batch's transaction.
  bool open_transaction() { return exec(batch_ ? "SAVEPOINT charge_write" : "BEGIN IMMEDIATE"); }
  error_code commit() {
    if (batch_) {
      if (exec("RELEASE charge_write")) return {};
      return rollback(error::store_failed);
    }
    if (exec("COMMIT")) return {};
    exec("ROLLBACK");
    return error::store_failed;
  }
  error_code rollback(error_code ec) {
    if (batch_) {
      exec("ROLLBACK TO charge_write");
      exec("RELEASE charge_write");
    } else {
      exec("ROLLBACK");
    }
    return ec;
  }
  error_code append(const charge_record& r, const std::string& detail) {
    statement st(db_,
                 "INSERT INTO charge_journal (charge_key, stage, at, detail) VALUES (?,?,?,?)");
    if (!st.ok()) return error::store_failed;
    st.bind(1, r.key);
    st.bind(2, std::string(to_string(r.stage)));
    st.bind(3, r.updated_at_ms);
    st.bind(4, detail);
    return st.step() == SQLITE_DONE ? error_code() : error_code(error::store_failed);
  }
  static void bind_record(statement& st, const charge_record& r) {
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
  static terminal_lease read_lease(const statement& st, std::int64_t now) {
    terminal_lease l;
    l.terminal_id = st.text(0);
    l.holder = st.text(1);
    l.charge_key = st.text(2);
    l.fencing_token = st.integer(3);
    l.expires_in = std::chrono::milliseconds(st.integer(4) - now);
    l.stopped = st.integer(5) != 0;
    return l;
  }
  error_code find_lease(const std::string& terminal_id, std::int64_t now,
                        std::optional<terminal_lease>& out) {
    statement st(db_, (std::string("SELECT ") + lease_columns +
                       " FROM terminal_leases WHERE terminal_id = ?")
                          .c_str());
    if (!st.ok()) return error::store_failed;
    st.bind(1, terminal_id);
    const int rc = st.step();
    if (rc == SQLITE_ROW) out = read_lease(st, now);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? error_code() : error_code(error::store_failed);
  }
  /// Whether a save carrying `token` must be refused (charge_record::fencing_token): a newer
  /// token on the charge or its terminal's lease; without a token, a live lease of the key.
  error_code fenced(const charge_record& stored, std::int64_t token, bool& out) {
    out = false;
    if (token != 0) {
      if (stored.fencing_token > token) {
        out = true;
        return {};
      }
      statement st(db_,
                   "SELECT count(*) FROM terminal_leases WHERE terminal_id = ? AND "
                   "fencing_token > ?");
      if (!st.ok()) return error::store_failed;
      st.bind(1, stored.terminal_id);
      st.bind(2, token);
      if (st.step() != SQLITE_ROW) return error::store_failed;
      out = st.integer(0) != 0;
      return {};
    }
    statement st(db_,
                 "SELECT count(*) FROM terminal_leases WHERE charge_key = ? AND expires_at > ? "
                 "AND stopped = 0");
    if (!st.ok()) return error::store_failed;
    st.bind(1, stored.key);
    st.bind(2, unix_ms());
    if (st.step() != SQLITE_ROW) return error::store_failed;
    out = st.integer(0) != 0;
    return {};
  }
  static charge_record read_record(const statement& st) {
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
    return r;
  }

  sqlite3* db_;
  std::string path_;
  bool batch_ = false;  ///< between begin_batch() and end_batch()
};

}  // namespace

namespace {

sqlite3* open_connection(const std::string& path, int busy_timeout_ms, error_code& ec,
                         std::string& why) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    why = "charge store " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    ec = error::store_failed;
    return nullptr;
  }
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return db;
}

}  // namespace

std::unique_ptr<store_engine> open_sqlite_reader(const std::string& path, int busy_timeout_ms,
                                                 error_code& ec, std::string& why) {
  sqlite3* db = open_connection(path, busy_timeout_ms, ec, why);
  if (!db) return nullptr;
  return std::make_unique<sqlite_engine>(db, path);
}

std::unique_ptr<store_engine> open_sqlite_engine(const std::string& path, int busy_timeout_ms,
                                                 error_code& ec, std::string& why) {
  sqlite3* db = open_connection(path, busy_timeout_ms, ec, why);
  if (!db) return nullptr;
  auto engine = std::make_unique<sqlite_engine>(db, path);
  // Before anything is written (journal_mode=WAL changes the file): another program's database
  // is refused untouched.
  ec = engine->check_ours(why);
  if (ec) return nullptr;
  // WAL: readers do not block the writer; synchronous=FULL: a committed record survives a power
  // loss, not only a crash of the process.
  if (!engine->exec("PRAGMA journal_mode=WAL") || !engine->exec("PRAGMA synchronous=FULL")) {
    ec = engine->fail(why);
    return nullptr;
  }
  ec = engine->migrate(why);
  if (ec) return nullptr;
  return engine;
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
