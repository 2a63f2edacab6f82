// The SQLite engine's file (sqlite_engine.hpp): opening a connection, the check that a file is
// a charge store (or empty) before anything is written to it, WAL and synchronous=FULL, and the
// schema with its version table and migrations; open_sqlite_charge_store
// (paystack/sqlite_store.hpp).
#include <paystack/error.hpp>
#include <paystack/sqlite_store.hpp>

#include "sqlite_engine.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

using boost::system::error_code;

namespace {

/// The schema this library writes. A store whose version is higher is refused.
constexpr int schema_version = 5;

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

// Version 3 (issue 27): several merchants in one receiver. Each recorded webhook names the
// merchant whose key verified it ('' with one key, as every row before); its semantic key is
// scoped by it ("<merchant>/<key>", webhook_semantic_key), so two merchants' identical events
// are two rows.
constexpr const char* schema_v3_sql = R"sql(
ALTER TABLE webhook_events ADD COLUMN merchant TEXT NOT NULL DEFAULT '';
)sql";

// Version 4 (issue 24): the request's fingerprint (charge_record::request_fingerprint), so that
// the charge service tells the same key with another request apart across restarts. NULL for
// the charges begun before it.
constexpr const char* schema_v4_sql = R"sql(
ALTER TABLE charges ADD COLUMN request_fingerprint TEXT;
)sql";

}  // namespace

/// Whether the file is a charge store, or empty (before anything is written to it): its
/// application_id is ours, or it has none and either no tables at all or the schema table of
/// an earlier version (which migrate() then marks). Fills `why` when it is not.
error_code sqlite_engine::check_ours(std::string& why) {
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
error_code sqlite_engine::migrate(std::string& why) {
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
    why = "the charge store " + path_ + " was written by schema version " + std::to_string(found) +
          "; this library reads version " + std::to_string(schema_version) +
          " at most: upgrade the library";
    return error::store_too_new;
  }
  if (found < 2 && !exec(schema_v2_sql)) {
    auto ec = fail(why);
    exec("ROLLBACK");
    return ec;
  }
  if (found < 3 && !exec(schema_v3_sql)) {
    auto ec = fail(why);
    exec("ROLLBACK");
    return ec;
  }
  if (found < 4 && !exec(schema_v4_sql)) {
    auto ec = fail(why);
    exec("ROLLBACK");
    return ec;
  }
  // Version 5 (issue 27): keyed refunds and their journal (refund_sqlite.cpp).
  if (found < 5 && !exec(sqlite_refund_schema_sql)) {
    auto ec = fail(why);
    exec("ROLLBACK");
    return ec;
  }
  const auto mark = "INSERT INTO paystack_schema (component, version) VALUES ('charges', " +
                    std::to_string(schema_version) +
                    ") ON CONFLICT (component) DO UPDATE SET version = excluded.version";
  if (found < schema_version && !exec(mark.c_str())) {
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

std::shared_ptr<charge_store> open_sqlite_charge_store(boost::asio::any_io_executor executor,
                                                       std::string_view path,
                                                       boost::system::error_code& ec,
                                                       std::string& why, int busy_timeout_ms) {
  ec = {};
  why.clear();
  if (path.empty()) {
    ec = error::invalid_argument;
    why = "the SQLite store needs a file path";
    return nullptr;
  }
  const std::string file(path);
  auto engine = detail::open_sqlite_engine(file, busy_timeout_ms, ec, why);
  if (!engine) return nullptr;
  auto reader = detail::open_sqlite_reader(file, busy_timeout_ms, ec, why);
  if (!reader) return nullptr;
  return detail::make_engine_store(std::move(executor), std::move(engine), std::move(reader));
}

}  // namespace v0
}  // namespace paystack
