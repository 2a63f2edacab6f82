// paystack::charge_store: the URL forms, the memory and SQLite engines (round trip, versions,
// journal, webhook keys), a newer schema refused, two connections on one file.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <paystack/store_url.hpp>
#include <thread>

#include "running_context.hpp"
#include "store_behaviour.hpp"

using namespace paystack;
using namespace store_behaviour;
namespace asio = boost::asio;

namespace {

/// A fresh SQLite file path under the temp directory, removed (with its WAL files) at the end.
class temp_db {
 public:
  explicit temp_db(const std::string& name)
      : path_((std::filesystem::temp_directory_path() /
               ("paystack-" + name + "-" + std::to_string(::getpid()) + ".db"))
                  .string()) {
    remove();
  }
  ~temp_db() { remove(); }
  const std::string& path() const { return path_; }

 private:
  void remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  std::string path_;
};

std::shared_ptr<charge_store> open_or_fail(asio::io_context& io, const std::string& url) {
  boost::system::error_code ec;
  std::string why;
  auto store = open_charge_store(io.get_executor(), url, ec, why);
  EXPECT_FALSE(ec) << why;
  return store;
}

}  // namespace

TEST(ChargeStoreUrl, plain_path_sqlite_prefix_memory_and_refusals) {
  auto a = parse_charge_store_url("/var/lib/pos/charges.db");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->engine, charge_store_engine::sqlite);
  EXPECT_EQ(a->path, "/var/lib/pos/charges.db");
  auto b = parse_charge_store_url("sqlite:charges.db");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->path, "charges.db");
  auto m = parse_charge_store_url("memory:");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->engine, charge_store_engine::memory);
  std::string why;
  auto pg = parse_charge_store_url("postgres://pos@db.example:5432/pos");
  ASSERT_TRUE(pg);
  EXPECT_EQ(pg->engine, charge_store_engine::postgres);
  EXPECT_EQ(pg->path, "postgres://pos@db.example:5432/pos") << "libpq reads the whole URL";
  auto pg2 = parse_charge_store_url("postgresql://db/pos");
  ASSERT_TRUE(pg2);
  EXPECT_EQ(pg2->engine, charge_store_engine::postgres);
  EXPECT_FALSE(parse_charge_store_url("postgres://", &why));
  EXPECT_FALSE(parse_charge_store_url("redis://db/0", &why));
  EXPECT_NE(why.find("redis://"), std::string::npos) << why;
  EXPECT_FALSE(parse_charge_store_url("sqlite:", &why));
  EXPECT_FALSE(parse_charge_store_url("", &why));
}

TEST(ChargeStore, memory_records_versions_journal_and_webhooks) {
  test::running_context ctx;
  auto store = make_memory_charge_store(ctx.io.get_executor());
  EXPECT_EQ(store->describe(), "memory");
  exercise(*store);
}

TEST(ChargeStore, sqlite_records_versions_journal_and_webhooks) {
  temp_db db("store-roundtrip");
  test::running_context ctx;
  auto store = open_or_fail(ctx.io, "sqlite:" + db.path());
  ASSERT_TRUE(store);
  exercise(*store);
}

TEST(ChargeStore, memory_keeps_the_request_fingerprint_written_at_begin) {
  test::running_context ctx;
  auto store = make_memory_charge_store(ctx.io.get_executor());
  the_request_fingerprint_is_written_once(*store, *store);
}

TEST(ChargeStore, sqlite_keeps_the_request_fingerprint_written_at_begin) {
  temp_db db("store-fingerprint");
  test::running_context ctx;
  auto a = open_or_fail(ctx.io, db.path());
  auto b = open_or_fail(ctx.io, db.path());  // another process's store on the same file
  ASSERT_TRUE(a && b);
  the_request_fingerprint_is_written_once(*a, *b);
}

TEST(ChargeStore, sqlite_records_survive_reopening) {
  temp_db db("store-reopen");
  test::running_context ctx;
  {
    auto store = open_or_fail(ctx.io, db.path());
    ASSERT_TRUE(store);
    auto [ec, rec, inserted] = wait<charge_begin_signature>(store->async_begin(sample("order-9")));
    ASSERT_FALSE(ec);
  }
  auto store = open_or_fail(ctx.io, db.path());
  ASSERT_TRUE(store);
  auto [ec, loaded] = wait<charge_load_signature>(store->async_load("order-9"));
  ASSERT_FALSE(ec);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->amount, 5000);
  EXPECT_EQ(loaded->terminal_id, "T0000001");
}

TEST(ChargeStore, sqlite_refuses_a_store_of_a_newer_schema) {
  temp_db db("store-newer");
  test::running_context ctx;
  ASSERT_TRUE(open_or_fail(ctx.io, db.path()));
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.path().c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "UPDATE paystack_schema SET version=7", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  boost::system::error_code ec;
  std::string why;
  auto store = open_charge_store(ctx.io.get_executor(), db.path(), ec, why);
  EXPECT_FALSE(store);
  EXPECT_EQ(ec, make_error_code(error::store_too_new));
  EXPECT_NE(why.find("schema version 7"), std::string::npos) << why;
}

TEST(ChargeStore, sqlite_refuses_a_file_that_is_not_a_database) {
  temp_db db("store-garbage");
  {
    std::FILE* f = std::fopen(db.path().c_str(), "wb");
    ASSERT_TRUE(f);
    std::fputs("this is not a SQLite database, it is a text file of some length...........", f);
    std::fclose(f);
  }
  test::running_context ctx;
  boost::system::error_code ec;
  std::string why;
  auto store = open_charge_store(ctx.io.get_executor(), db.path(), ec, why);
  EXPECT_FALSE(store);
  EXPECT_EQ(ec, make_error_code(error::store_failed));
  EXPECT_FALSE(why.empty());
}

TEST(ChargeStore, two_connections_on_one_file_see_one_charge_per_key) {
  temp_db db("store-two");
  test::running_context ctx;
  auto a = open_or_fail(ctx.io, db.path());
  auto b = open_or_fail(ctx.io, db.path());
  ASSERT_TRUE(a && b);
  two_writers_one_charge_per_key(*a, *b);
}

TEST(ChargeStore, sqlite_writes_are_fenced_by_the_key_s_live_lease) {
  temp_db db("store-fence");
  test::running_context ctx;
  auto a = open_or_fail(ctx.io, db.path());
  auto b = open_or_fail(ctx.io, db.path());
  ASSERT_TRUE(a && b);
  writes_are_fenced_by_the_key_s_live_lease(*a, *b);
}

TEST(ChargeStore, a_version_1_sqlite_store_is_migrated_to_leases) {
  temp_db db("store-v1");
  {
    // The schema issue 14 wrote (version 1): no leases, no fencing token column.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.path().c_str(), &raw), SQLITE_OK);
    const char* v1 =
        "CREATE TABLE paystack_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL);"
        "INSERT INTO paystack_schema VALUES ('charges', 1);"
        "CREATE TABLE charges (charge_key TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, customer "
        "TEXT NOT NULL, amount BIGINT NOT NULL, currency TEXT NOT NULL, stage TEXT NOT NULL, "
        "request_id BIGINT, request_code TEXT, offline_reference TEXT, event_id TEXT, pushes "
        "INTEGER NOT NULL, outcome TEXT, is_open INTEGER NOT NULL, reason TEXT NOT NULL, "
        "transaction_reference TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, "
        "version BIGINT NOT NULL);"
        "INSERT INTO charges VALUES ('old-1', 'T1', 'CUS_x', 100, '', 'pushed', 1, 'PRQ_old', "
        "'123', 'ev1', 1, NULL, 0, '', NULL, 1, 1, 4);"
        "CREATE TABLE charge_journal (sequence INTEGER PRIMARY KEY, charge_key TEXT NOT NULL, "
        "stage TEXT NOT NULL, at BIGINT NOT NULL, detail TEXT NOT NULL);"
        "CREATE TABLE webhook_events (semantic_key TEXT PRIMARY KEY, received_at BIGINT NOT "
        "NULL, body TEXT NOT NULL);";
    ASSERT_EQ(sqlite3_exec(raw, v1, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw);
    sqlite3_close(raw);
  }
  test::running_context ctx;
  auto store = open_or_fail(ctx.io, db.path());
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->leases_terminals());
  auto [ec, rec] = wait<charge_load_signature>(store->async_load("old-1"));
  ASSERT_FALSE(ec);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->stage, charge_journal_stage::pushed);
  EXPECT_EQ(rec->fencing_token, 0);
  EXPECT_TRUE(rec->request_fingerprint.empty()) << "begun before fingerprints were stored";
  auto [e2, lease] = wait<lease_acquire_signature>(
      store->async_acquire_lease("T1", "old-1", std::chrono::milliseconds(5000)));
  ASSERT_FALSE(e2);
  EXPECT_TRUE(lease.acquired);
  EXPECT_GT(lease.fencing_token, 0);
}

namespace {

/// Writes the file the library of SQLite schema 3 wrote (main before issue 24: leases, the
/// webhook inbox's merchant column, no request fingerprint): a charge under lease and one
/// merchant's webhook.
void write_version_3_store(const std::string& path) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  const char* v3 =
      "PRAGMA application_id = 1347638339;"  // 0x50535443, "PSTC"
      "CREATE TABLE paystack_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL);"
      "INSERT INTO paystack_schema VALUES ('charges', 3);"
      "CREATE TABLE charges (charge_key TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, customer "
      "TEXT NOT NULL, amount BIGINT NOT NULL, currency TEXT NOT NULL, stage TEXT NOT NULL, "
      "request_id BIGINT, request_code TEXT, offline_reference TEXT, event_id TEXT, pushes "
      "INTEGER NOT NULL, outcome TEXT, is_open INTEGER NOT NULL, reason TEXT NOT NULL, "
      "transaction_reference TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, "
      "version BIGINT NOT NULL, fencing_token BIGINT);"
      "INSERT INTO charges VALUES ('old-3', 'T3', 'CUS_x', 300, 'NGN', 'pushed', 3, 'PRQ_old3', "
      "'333', 'ev3', 1, NULL, 0, '', NULL, 1, 1, 4, 7);"
      "CREATE TABLE charge_journal (sequence INTEGER PRIMARY KEY, charge_key TEXT NOT NULL, "
      "stage TEXT NOT NULL, at BIGINT NOT NULL, detail TEXT NOT NULL);"
      "CREATE INDEX charge_journal_key ON charge_journal (charge_key, sequence);"
      "CREATE TABLE webhook_events (semantic_key TEXT PRIMARY KEY, received_at BIGINT NOT NULL, "
      "body TEXT NOT NULL, merchant TEXT NOT NULL DEFAULT '');"
      "INSERT INTO webhook_events VALUES ('m1/charge.success:ref3', 1, '{}', 'm1');"
      "CREATE TABLE terminal_leases (terminal_id TEXT PRIMARY KEY, holder TEXT NOT NULL, "
      "charge_key TEXT NOT NULL, fencing_token BIGINT NOT NULL, expires_at BIGINT NOT NULL, "
      "stopped INTEGER NOT NULL DEFAULT 0);"
      "CREATE INDEX terminal_leases_key ON terminal_leases (charge_key);"
      "CREATE TABLE lease_tokens (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), last "
      "BIGINT NOT NULL);"
      "INSERT INTO lease_tokens (singleton, last) VALUES (1, 7);";
  ASSERT_EQ(sqlite3_exec(raw, v3, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw);
  sqlite3_close(raw);
}

/// The schema version recorded in the file at `path`, read without the library.
int recorded_version(const std::string& path) {
  sqlite3* raw = nullptr;
  if (sqlite3_open(path.c_str(), &raw) != SQLITE_OK) return -1;
  sqlite3_stmt* st = nullptr;
  int version = -1;
  if (sqlite3_prepare_v2(raw, "SELECT version FROM paystack_schema WHERE component='charges'", -1,
                         &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(raw);
  return version;
}

}  // namespace

TEST(ChargeStore, a_version_3_sqlite_store_is_migrated_to_fingerprints_and_keeps_its_rows) {
  temp_db db("store-v3");
  write_version_3_store(db.path());
  {
    test::running_context ctx;
    auto store = open_or_fail(ctx.io, db.path());
    ASSERT_TRUE(store);
    auto [ec, rec] = wait<charge_load_signature>(store->async_load("old-3"));
    ASSERT_FALSE(ec);
    ASSERT_TRUE(rec);
    EXPECT_EQ(rec->stage, charge_journal_stage::pushed);
    EXPECT_EQ(rec->request_code, "PRQ_old3");
    EXPECT_EQ(rec->fencing_token, 7);
    EXPECT_TRUE(rec->request_fingerprint.empty()) << "begun before fingerprints were stored";
    auto [e2, fresh] =
        wait<webhook_record_signature>(store->async_record_webhook("m1/charge.success:ref3", "{}"));
    ASSERT_FALSE(e2);
    EXPECT_FALSE(fresh) << "the merchant's recorded webhook is still there";
    auto next = sample("new-4");
    next.request_fingerprint = "sha256:new";
    auto [e3, begun, inserted] = wait<charge_begin_signature>(store->async_begin(next));
    ASSERT_FALSE(e3);
    EXPECT_TRUE(inserted);
    auto [e4, loaded] = wait<charge_load_signature>(store->async_load("new-4"));
    ASSERT_FALSE(e4);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->request_fingerprint, "sha256:new");
  }
  EXPECT_EQ(recorded_version(db.path()), 5) << "on to the refund tables (schema 5)";
}

TEST(ChargeStore, a_version_4_sqlite_store_gains_the_refund_tables_and_keeps_its_rows) {
  temp_db db("store-v4");
  write_version_3_store(db.path());
  {
    // The file main wrote at schema 4 (issue 24's request fingerprint, no refund tables).
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.path().c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw,
                           "ALTER TABLE charges ADD COLUMN request_fingerprint TEXT;"
                           "UPDATE charges SET request_fingerprint = 'sha256:old';"
                           "UPDATE paystack_schema SET version = 4 WHERE component = 'charges';",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  {
    test::running_context ctx;
    auto store = open_or_fail(ctx.io, db.path());
    ASSERT_TRUE(store);
    auto [ec, rec] = wait<charge_load_signature>(store->async_load("old-3"));
    ASSERT_FALSE(ec);
    ASSERT_TRUE(rec);
    EXPECT_EQ(rec->request_fingerprint, "sha256:old");
    refund_record r;
    r.key = "return-v4";
    r.transaction = "333";
    r.amount = 100;
    auto [e2, begun, inserted] = wait<refund_begin_signature>(store->async_begin_refund(r));
    ASSERT_FALSE(e2) << e2.message();
    EXPECT_TRUE(inserted);
    auto [e3, loaded] = wait<refund_load_signature>(store->async_load_refund("return-v4"));
    ASSERT_FALSE(e3);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->amount, 100);
  }
  EXPECT_EQ(recorded_version(db.path()), 5);
}

TEST(ChargeStore, a_migration_that_fails_leaves_the_sqlite_store_as_it_was) {
  temp_db db("store-v3-bad");
  write_version_3_store(db.path());
  {
    // A column of version 4 already there (a development build's file): the migration fails.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.path().c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "ALTER TABLE charges ADD COLUMN request_fingerprint TEXT", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  test::running_context ctx;
  boost::system::error_code ec;
  std::string why;
  auto store = open_charge_store(ctx.io.get_executor(), db.path(), ec, why);
  EXPECT_FALSE(store);
  EXPECT_EQ(ec, make_error_code(error::store_failed));
  EXPECT_NE(why.find("request_fingerprint"), std::string::npos) << why;
  EXPECT_EQ(recorded_version(db.path()), 3) << "rolled back";
}
