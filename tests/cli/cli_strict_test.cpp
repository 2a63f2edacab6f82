// paystack-terminal parses its input strictly (issue 21's probe): a number beyond 64 bits (or
// hex, a sign alone, nan) is refused, never clamped and sent (M2, L1); an empty lease holder
// names no lease (M1); a store file that does not exist is created only by `charge` (M3);
// another program's SQLite file is refused untouched (M4); `charges list` pages and says when
// there is more (M5); a PostgreSQL store's password never reaches the output (C2). Every refusal
// exits 2 with nothing sent: the base URL is a closed port, where anything sent exits 3.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <paystack/charge_store.hpp>
#include <paystack/store_url.hpp>

#include "cli_runner.hpp"
#include "golden.hpp"
#include "running_context.hpp"
#include "store_behaviour.hpp"

namespace {

using cli_test::run_result;
namespace fs = std::filesystem;

constexpr const char* key = "sk_test_cli_strict_3c1d09e2";
const std::string exe = PAYSTACK_TERMINAL_EXE;

class CliStrict : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("paystack-cli-strict-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Runs the CLI against a closed port: a request sent would end in exit code 3.
  run_result cli(std::vector<std::string> args) const {
    auto r =
        cli_test::run(exe, args,
                      {"PATH=/usr/bin:/bin", "LANG=C", std::string("PAYSTACK_SECRET_KEY=") + key,
                       "PAYSTACK_BASE_URL=http://127.0.0.1:1"});
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.out.find(key), std::string::npos) << "the secret key was printed";
    EXPECT_EQ(r.err.find(key), std::string::npos) << "the secret key was printed";
    return r;
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(CliStrict, numbers_beyond_64_bits_or_malformed_are_refused_before_anything_is_sent) {
  const std::string huge = "99999999999999999999";  // > 2^64: CLI11 alone clamps it
  const std::vector<std::vector<std::string>> cases{
      {"send-event", "T1", "--type", "transaction", "--action", "print", "--id", huge},
      {"transaction", "fetch", huge},
      {"refund", "create", "T_ref_1", "--amount", huge},
      {"transaction", "list", "--page", huge},
      {"payment-request", "list", "--page", "18446744073709551616"},
      {"refund", "list", "--page", "-" + huge},
      {"list", "--per-page", huge},
      {"list", "--all", "--limit", "-1"},  // an unsigned option: strtoull would wrap it
      {"virtual-terminal", "list", "--all", "--limit", huge},
      {"charge", "T1", "--amount", "0x10", "--customer", "CUS_x"},  // hex
      {"charge", "T1", "--amount", "5000 ", "--customer", "CUS_x"},
      {"charge", "T1", "--amount", "5000", "--customer", "CUS_x", "--webhook-port", "70000"},
      {"payment-request", "create", "--customer", "CUS_x", "--amount", "1e3"},
      {"--rate-budget", "nan", "list"},
      {"--rate-budget", "inf", "list"},
      {"--rate-budget", "1", "list"},  // too small for a charge's presence check
      {"--rate-budget", "-5", "list"},
  };
  for (const auto& args : cases) {
    std::string line;
    for (const auto& a : args) line += a + ' ';
    SCOPED_TRACE(line);
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("expected"), std::string::npos) << "no clear message: " << r.err;
  }
  auto budget = cli({"--rate-budget", "nan", "list"});
  EXPECT_NE(budget.err.find("--rate-budget"), std::string::npos) << budget.err;
  EXPECT_NE(budget.err.find("presence check"), std::string::npos) << budget.err;
  // In range still works: it is sent, and the closed port answers exit 3.
  auto sent = cli({"send-event", "T1", "--type", "transaction", "--action", "print", "--id",
                   "9223372036854775807"});
  EXPECT_EQ(sent.exit_code, 3) << sent.err;
}

TEST_F(CliStrict, an_empty_lease_holder_or_terminal_is_refused) {
  for (const auto& args :
       {std::vector<std::string>{"leases", "release", "TRM_1", "--holder", ""},
        std::vector<std::string>{"leases", "release", "", "--holder", "h:1/1"}}) {
    auto with_store = args;
    with_store.insert(with_store.end(), {"--store", "postgres://pos@127.0.0.1:1/pos"});
    auto r = cli(with_store);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("must name"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("cannot be used"), std::string::npos)
        << "refused before the store is opened: " << r.err;
  }
}

TEST_F(CliStrict, a_missing_store_file_is_refused_and_not_created_except_by_charge) {
  const auto db = path("typo.db");
  for (const auto& args : {std::vector<std::string>{"charges", "list", "--store", db},
                           {"charges", "list", "--store", "sqlite:" + db},
                           {"charges", "show", "k1", "--store", db},
                           {"charges", "resume", "--all", "--store", db},
                           {"charges", "resume", "k1", "--store", db},
                           {"charges", "reconcile", "--store", db},
                           {"charges", "cancel", "k1", "--store", db}}) {
    SCOPED_TRACE(args.at(1));
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(db)) << "created by " << args.at(1);
  }
  // `charge` starts new work: it creates the store (and then fails on the closed port).
  auto r = cli({"charge", "T1", "--amount", "5000", "--customer", "CUS_x", "--key", "k1", "--store",
                db, "--timeout", "2s"});
  EXPECT_NE(r.exit_code, 2) << r.err;
  EXPECT_TRUE(fs::exists(db));
  auto list = cli({"charges", "list", "--store", db});
  EXPECT_EQ(list.exit_code, 0) << list.err;
}

TEST_F(CliStrict, another_programs_sqlite_file_is_refused_untouched) {
  const auto db = path("other.db");
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(h,
                         "CREATE TABLE charges (id INTEGER PRIMARY KEY, what TEXT);"
                         "INSERT INTO charges (what) VALUES ('theirs')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  const auto before = cli_test::read_file(db);
  for (const auto& args : {std::vector<std::string>{"charges", "list", "--store", db},
                           {"charge", "T1", "--amount", "5000", "--customer", "CUS_x", "--key",
                            "k1", "--store", db}}) {
    SCOPED_TRACE(args.at(0));
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("is not a charge store"), std::string::npos) << r.err;
  }
  EXPECT_EQ(cli_test::read_file(db), before) << "the file was written to";
  EXPECT_FALSE(fs::exists(db + "-wal"));
}

TEST_F(CliStrict, charges_list_pages_with_limit_and_after_and_says_when_there_are_more) {
  const auto db = path("many.db");
  {
    paystack::test::running_context ctx;
    boost::system::error_code ec;
    std::string why;
    auto store = paystack::open_charge_store(ctx.io.get_executor(), db, ec, why);
    ASSERT_TRUE(store) << why;
    for (int i = 1; i <= 5; ++i) {
      auto [bec, rec, inserted] = store_behaviour::wait<paystack::charge_begin_signature>(
          store->async_begin(store_behaviour::sample("order-" + std::to_string(i))));
      ASSERT_FALSE(bec) << bec.message();
    }
  }
  std::vector<std::string> seen;
  std::string after;
  for (int page = 0; page < 4; ++page) {
    std::vector<std::string> args{"charges", "list", "--store", db, "--limit", "2"};
    if (!after.empty()) args.insert(args.end(), {"--after", after});
    auto r = cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::size_t rows = 0;
    for (int i = 1; i <= 5; ++i) {
      const std::string k = "order-" + std::to_string(i);
      if (r.out.find(k + " ") != std::string::npos) {
        seen.push_back(k);
        ++rows;
      }
    }
    const auto more = r.out.find("more charges: --after ");
    if (page < 2) {
      EXPECT_EQ(rows, 2u) << r.out;
      ASSERT_NE(more, std::string::npos) << "no word of the rest:\n" << r.out;
      after = r.out.substr(more + 22, r.out.find('\n', more) - more - 22);
    } else {
      EXPECT_EQ(rows, 1u) << r.out;
      EXPECT_EQ(more, std::string::npos) << r.out;
      break;
    }
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen,
            (std::vector<std::string>{"order-1", "order-2", "order-3", "order-4", "order-5"}));
  auto unknown = cli({"charges", "list", "--store", db, "--after", "order-none"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  auto zero = cli({"charges", "list", "--store", db, "--limit", "0"});
  EXPECT_EQ(zero.exit_code, 2) << zero.err;
  // --json: the same array of charges; the rest is announced on stderr.
  auto json = cli({"--json", "charges", "list", "--store", db, "--limit", "4"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out.front(), '[') << json.out;
  EXPECT_NE(json.err.find("more charges: --after "), std::string::npos) << json.err;
}

TEST_F(CliStrict, a_postgres_store_password_never_reaches_the_output) {
  struct probe {
    std::string url;
    std::vector<std::string> hidden;  // what must not appear
  };
  const std::vector<probe> probes{
      {"postgres://pos:hun?ter2pw@127.0.0.1:1/pos", {"hun?ter2pw", "hun", "ter2pw"}},
      {"postgres://pos:hunter2%zzpw@127.0.0.1:1/pos", {"hunter2", "zzpw"}},
      {"postgres://pos:hunter2%00pw@127.0.0.1:1/pos", {"hunter2", "00pw"}},
      {"postgres://pos:hunter2pw@[::1/pos", {"hunter2pw"}},
      {"postgres://pos:hunter2pw@[zz::1]:1/pos", {"hunter2pw"}},
      {"postgres://pos:hunt%40er2pw@127.0.0.1:1/pos", {"hunt", "er2pw", "hunt@er2pw"}},
      {"postgres://pos:hunt@er2pw@127.0.0.1:1/pos", {"hunt", "er2pw"}},
      {"postgres://pos:hunt/er2pw@127.0.0.1:1/pos", {"hunt", "er2pw"}},
      {"postgres://pos:hunt:er2pw@127.0.0.1:1/pos", {"hunt", "er2pw"}},
      {"postgres://pos@127.0.0.1:1/pos?password=hunter2pw&connect_timeout=2", {"hunter2pw"}},
      {"postgres://pos@127.0.0.1:1/pos?password=hunter2%zz", {"hunter2"}},
  };
  for (const auto& p : probes) {
    SCOPED_TRACE(p.url);
    for (const auto& args : {std::vector<std::string>{"charges", "list", "--store", p.url},
                             std::vector<std::string>{"leases", "list", "--store=" + p.url}}) {
      auto r = cli(args);
      EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
      EXPECT_NE(r.err.find("cannot be used"), std::string::npos) << r.err;
      for (const auto& h : p.hidden) {
        EXPECT_EQ(r.out.find(h), std::string::npos) << h << " printed: " << r.out;
        EXPECT_EQ(r.err.find(h), std::string::npos) << h << " printed: " << r.err;
      }
    }
  }
}

}  // namespace
