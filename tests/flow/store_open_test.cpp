// Opening a charge store (issue 21's probe): a PostgreSQL URL's password never reaches `why`,
// the error's message or describe(), however it is written and whatever libpq says of it (C2);
// a SQLite file that is not a charge store is refused untouched, an earlier version's store is
// opened and marked as ours (M4). No PostgreSQL server is needed: the URLs point at a closed port.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <paystack/charge_store.hpp>
#include <paystack/error.hpp>
#include <paystack/store_url.hpp>
#include <sstream>

#include "flow/store/pg/conninfo.hpp"
#include "flow/store/pg_store.hpp"
#include "running_context.hpp"
#include "store_behaviour.hpp"

namespace {

namespace fs = std::filesystem;
using boost::system::error_code;

struct leaky_url {
  std::string url;
  std::vector<std::string> hidden;  // what must never be shown
};

const std::vector<leaky_url>& leaky_urls() {
  static const std::vector<leaky_url> urls{
      {"postgres://pos:hun?ter2pw@127.0.0.1:1/pos", {"hun?ter2pw", "hun", "ter2pw"}},
      {"postgres://pos:hunter2%zzpw@127.0.0.1:1/pos", {"hunter2", "zzpw"}},
      {"postgres://pos:hunter2%00pw@127.0.0.1:1/pos", {"hunter2", "00pw"}},
      {"postgres://pos:hunter2pw@[::1/pos", {"hunter2pw"}},
      {"postgresql://pos:hunter2pw@[zz::1]:1/pos", {"hunter2pw"}},
      {"postgres://pos:hunt%40er2pw@127.0.0.1:1/pos", {"hunt", "er2pw"}},
      {"postgres://pos:hunt@er2pw@127.0.0.1:1/pos", {"hunt", "er2pw"}},
      {"postgres://pos:hunt/er2pw@127.0.0.1:1/pos", {"hunt", "er2pw"}},
      {"postgres://pos:hunt:er2pw@127.0.0.1:1/pos", {"hunt", "er2pw"}},
      {"postgres://pos:hunt#er2pw@127.0.0.1:1/pos", {"hunt", "er2pw"}},
      {"postgres://pos@127.0.0.1:1/pos?password=hunter2pw&connect_timeout=2", {"hunter2pw"}},
      {"postgres://pos@127.0.0.1:1/pos?connect_timeout=2&password=hunter2%zz", {"hunter2"}},
      {"postgres://pos:hunter2pw@127.0.0.1:1/pos?sslmode=bogus", {"hunter2pw"}},
      {"postgres://pos:hunter2pw@127.0.0.1:99999/pos", {"hunter2pw"}},
  };
  return urls;
}

void expect_hidden(const std::string& text, const leaky_url& u) {
  for (const auto& h : u.hidden) EXPECT_EQ(text.find(h), std::string::npos) << h << " in: " << text;
}

TEST(StoreSecrets, no_form_of_the_password_reaches_why_or_the_error) {
  paystack::test::running_context ctx;
  for (const auto& u : leaky_urls()) {
    SCOPED_TRACE(u.url);
    error_code ec;
    std::string why;
    auto store = paystack::open_charge_store(ctx.io.get_executor(), u.url, ec, why, 2000);
    EXPECT_FALSE(store);
    EXPECT_TRUE(ec);
    EXPECT_FALSE(why.empty());
    expect_hidden(why, u);
    expect_hidden(ec.message(), u);
  }
}

TEST(StoreSecrets, the_shown_url_keeps_user_host_and_database_only) {
  EXPECT_EQ(paystack::detail::redact_pg_url("postgres://pos:hunter2pw@db:5432/pos?sslmode=require"),
            "postgres://pos@db:5432/pos");
  EXPECT_EQ(paystack::detail::redact_pg_url("postgres://pos:hun?ter2pw@db:5432/pos"),
            "postgres://pos@db:5432/pos");
  EXPECT_EQ(paystack::detail::redact_pg_url("postgres://pos:hunt@er2pw@db/pos"),
            "postgres://pos@db/pos");
  EXPECT_EQ(paystack::detail::redact_pg_url("postgres://pos@db/pos?password=hunter2pw"),
            "postgres://pos@db/pos");
  EXPECT_EQ(paystack::detail::redact_pg_url("host=db password=hunter2pw"), "(connection string)");
  for (const auto& u : leaky_urls()) expect_hidden(paystack::detail::redact_pg_url(u.url), u);
}

TEST(StoreSecrets, every_reading_of_the_password_is_a_secret_and_redacted) {
  auto has = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  auto s = paystack::pg::conninfo_secrets("postgres://pos:hunt%40er2pw@db/pos");
  EXPECT_TRUE(has(s, "hunt%40er2pw"));
  EXPECT_TRUE(has(s, "hunt@er2pw"));  // decoded, as libpq sends it
  s = paystack::pg::conninfo_secrets("host=db password='hunter 2pw' user=pos");
  EXPECT_TRUE(has(s, "hunter 2pw"));
  s = paystack::pg::conninfo_secrets("postgres://pos@db/pos?password=hunter2pw");
  EXPECT_TRUE(has(s, "hunter2pw"));
  EXPECT_TRUE(paystack::pg::conninfo_secrets("postgres://pos@db/pos").empty());
  EXPECT_TRUE(paystack::charge_store_url_secrets("sqlite:/tmp/x.db").empty());
  EXPECT_FALSE(paystack::charge_store_url_secrets("postgres://pos:hunter2pw@db/pos").empty());
  // A short piece only as a whole word: "port 1" keeps its digit when "1" is no secret piece.
  EXPECT_EQ(paystack::pg::redact_secrets("user pw at pwd", {"pw"}), "user [redacted] at pwd");
  EXPECT_EQ(paystack::pg::redact_secrets("xhunter2pwx", {"hunter2pw"}), "x[redacted]x");
}

// ---- SQLite: only our own files ----------------------------------------------------------------

class SqliteOwnership : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("paystack-sqlite-own-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "store.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void sql(const std::string& text) {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db_.c_str(), &h), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(h, text.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(h);
  }
  std::int64_t application_id() {
    sqlite3* h = nullptr;
    EXPECT_EQ(sqlite3_open_v2(db_.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(h, "PRAGMA application_id", -1, &st, nullptr);
    std::int64_t id = -1;
    if (sqlite3_step(st) == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return id;
  }
  std::string bytes() const {
    std::ifstream in(db_, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }
  std::shared_ptr<paystack::charge_store> open(error_code& ec, std::string& why) {
    return paystack::open_charge_store(ctx_.io.get_executor(), db_, ec, why);
  }

  paystack::test::running_context ctx_;
  fs::path dir_;
  std::string db_;
};

TEST_F(SqliteOwnership, another_programs_file_with_a_charges_table_is_refused_untouched) {
  sql("CREATE TABLE charges (id INTEGER PRIMARY KEY, what TEXT); INSERT INTO charges (what) "
      "VALUES ('theirs')");
  const auto before = bytes();
  error_code ec;
  std::string why;
  auto store = open(ec, why);
  EXPECT_FALSE(store);
  EXPECT_EQ(ec, make_error_code(paystack::error::store_failed));
  EXPECT_NE(why.find("is not a charge store"), std::string::npos) << why;
  EXPECT_EQ(bytes(), before) << "written to";
  EXPECT_FALSE(fs::exists(db_ + "-wal"));
}

TEST_F(SqliteOwnership, a_file_with_another_application_id_is_refused_even_without_tables) {
  sql("PRAGMA application_id = 1234");
  const auto before = bytes();
  error_code ec;
  std::string why;
  EXPECT_FALSE(open(ec, why));
  EXPECT_NE(why.find("application_id 1234"), std::string::npos) << why;
  EXPECT_EQ(bytes(), before);
}

TEST_F(SqliteOwnership, a_new_store_is_marked_and_opens_again) {
  error_code ec;
  std::string why;
  {
    auto store = open(ec, why);
    ASSERT_TRUE(store) << why;
  }
  EXPECT_EQ(application_id(), 0x50535443);
  auto again = open(ec, why);
  EXPECT_TRUE(again) << why;
}

TEST_F(SqliteOwnership, an_earlier_versions_store_without_the_mark_opens_and_is_marked) {
  // What version 1 of the schema wrote before the application_id existed.
  sql("CREATE TABLE paystack_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL);"
      "INSERT INTO paystack_schema (component, version) VALUES ('charges', 1);");
  ASSERT_EQ(application_id(), 0);
  error_code ec;
  std::string why;
  {
    auto store = open(ec, why);
    ASSERT_TRUE(store) << why;
    auto [bec, rec, inserted] = store_behaviour::wait<paystack::charge_begin_signature>(
        store->async_begin(store_behaviour::sample("old-1")));
    EXPECT_FALSE(bec) << bec.message();
  }
  EXPECT_EQ(application_id(), 0x50535443);
}

}  // namespace
