// paystack-terminal report's bounds (doc/cli.md "report"): each of Paystack's lists of the day
// (transactions, refunds, settlements) is read up to 10,000 items and the store's charges and
// keyed refunds up to 100,000 records each. Exactly the bound is reported; one more is refused
// (exit 1, a message naming what is over, nothing on stdout). Paystack is a loopback server
// serving pages of numbered copies of the embedded simulator's own items (a sale, a refund and
// the day's settlement); the store is filled with one SQL statement per table.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <map>
#include <paystack/charge_store.hpp>
#include <paystack/refund_flow.hpp>
#include <paystack/sim/server.hpp>
#include <paystack/store_url.hpp>
#include <tuple>

#include "cli_runner.hpp"
#include "golden.hpp"
#include "loopback_server.hpp"
#include "running_context.hpp"
#include "sim_sales.hpp"
#include "utc_today.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using cli_test::run_result;

constexpr const char* key = "sk_test_cli_report_bounds_8d2f";
constexpr std::int64_t max_items = 10000;     // each of Paystack's lists
constexpr std::int64_t max_records = 100000;  // each of the store's tables

using test_support::utc_today;

/// The page number a list request asks for (1 without one).
std::int64_t page_of(const std::string& target) {
  for (const char* name : {"?page=", "&page="}) {
    auto at = target.find(name);
    if (at != std::string::npos) return std::stoll(target.substr(at + std::strlen(name)));
  }
  return 1;
}

class CliReportBounds : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<paystack::sim::server>(cli_test::golden_sim_options(key));
    sim_->start();
    const auto txn = cli_test::paid_transaction(*sim_, key, 5000);
    ASSERT_FALSE(txn.empty());
    cli_test::sim_call(*sim_, key, "POST", "/refund",
                       R"({"transaction":")" + txn + R"(","amount":100})");
    for (auto [path, item] :
         {std::pair{"/transaction", &transaction_}, std::pair{"/refund", &refund_},
          std::pair{"/settlement", &settlement_}}) {
      auto list = cli_test::sim_call(*sim_, key, "GET", std::string(path) + "?perPage=1");
      ASSERT_FALSE(list.at("data").as_array().empty()) << path;
      *item = list.at("data").as_array().at(0).as_object();
    }
    sim_->stop();
    paystack_ = std::make_unique<paystack::test::loopback_server>(
        [this](const paystack::test::served_request& r) { return answer(r); });
    db_ = (fs::temp_directory_path() /
           ("paystack-report-bounds-" + std::to_string(::getpid()) + ".db"))
              .string();
    remove_db();
  }
  void TearDown() override { remove_db(); }
  void remove_db() const {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_ + suffix);
  }

  /// A page of `count` numbered copies of `item` (ids from 900000001, references unique).
  paystack::test::scripted_answer page(const std::string& target, const json::object& item,
                                       std::int64_t count) const {
    const std::int64_t page = page_of(target), per_page = 100;
    json::array data;
    for (std::int64_t i = (page - 1) * per_page; i < std::min(count, page * per_page); ++i) {
      auto copy = item;
      copy["id"] = 900000001 + i;
      if (copy.contains("reference")) copy["reference"] = "bound_" + std::to_string(i);
      data.push_back(std::move(copy));
    }
    json::object meta{{"total", count},
                      {"skipped", (page - 1) * per_page},
                      {"perPage", per_page},
                      {"page", page},
                      {"pageCount", (count + per_page - 1) / per_page}};
    json::object body{
        {"status", true}, {"message", "listed"}, {"data", std::move(data)}, {"meta", meta}};
    return {.body = json::serialize(body), .headers = {{"Content-Type", "application/json"}}};
  }
  paystack::test::scripted_answer answer(const paystack::test::served_request& r) const {
    const auto path = r.target.substr(0, r.target.find('?'));
    if (path == "/transaction") return page(r.target, transaction_, transactions_);
    if (path == "/refund") return page(r.target, refund_, refunds_);
    if (path == "/settlement") return page(r.target, settlement_, settlements_);
    return {.status = 404, .body = R"({"status":false,"message":"not here"})"};
  }

  run_result report(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"report", "--date", utc_today(), "--store", db_};
    args.insert(args.end(), extra.begin(), extra.end());
    // A report of 30,000 lines takes seconds, more on a loaded machine or under the sanitizers:
    // a deadline of its own (run_cli's is 30 s), within ctest's 120 s.
    cli_test::child c(PAYSTACK_TERMINAL_EXE, args,
                      {"PATH=/usr/bin:/bin", "LANG=C", std::string("PAYSTACK_SECRET_KEY=") + key,
                       "PAYSTACK_BASE_URL=" + paystack_->base_url()});
    auto r = c.finish(std::chrono::seconds(100));
    EXPECT_FALSE(r.timed_out);
    return r;
  }

  /// The store with `charges` charge records and `refunds` keyed refund records, all of
  /// 2020-01-01 (no line of today's report), finished unpaid and refused.
  void fill_store(std::int64_t charges, std::int64_t refunds) const {
    paystack::charge_record c;
    c.key = "template";
    c.terminal_id = "BOUNDS01";
    c.customer = "CUS_bounds";
    c.amount = 5000;
    paystack::refund_record f;
    f.key = "template";
    f.transaction = "1";
    f.amount = 100;
    {
      paystack::test::running_context ctx;
      boost::system::error_code ec;
      std::string why;
      auto store = paystack::open_charge_store(ctx.io.get_executor(), db_, ec, why);
      ASSERT_TRUE(store) << why;
      std::promise<void> began, began_refund;
      store->async_begin(c, [&](boost::system::error_code e, paystack::charge_record, bool) {
        EXPECT_FALSE(e) << e.message();
        began.set_value();
      });
      began.get_future().get();
      store->async_begin_refund(f, [&](boost::system::error_code e, paystack::refund_record, bool) {
        EXPECT_FALSE(e) << e.message();
        began_refund.set_value();
      });
      began_refund.get_future().get();
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
    copy_rows(db, "charges", "charge_key", "stage = 'finished', outcome = 'declined', is_open = 0",
              charges);
    copy_rows(db, "refunds", "refund_key", "stage = 'finished', outcome = 'refused'", refunds);
    sqlite3_close(db);
  }
  /// Replaces the template row of `table` with `n` numbered copies, `set` and dated 2020-01-01.
  static void copy_rows(sqlite3* db, const std::string& table, const std::string& key_column,
                        const std::string& set, std::int64_t n) {
    std::string columns;
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(
        sqlite3_prepare_v2(db, ("PRAGMA table_info(" + table + ")").c_str(), -1, &st, nullptr),
        SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string name = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
      if (name != key_column) columns += ", " + name;
    }
    sqlite3_finalize(st);
    const std::string sql =
        "UPDATE " + table + " SET " + set + ", created_at = 1577836800000, updated_at = " +
        "1577836800000; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
        std::to_string(n) + ") INSERT INTO " + table + " (" + key_column + columns +
        ") SELECT printf('bulk-%06d', i)" + columns + " FROM n, " + table + " WHERE " + key_column +
        " = 'template'; DELETE FROM " + table + " WHERE " + key_column + " = 'template';";
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
  }

  std::unique_ptr<paystack::sim::server> sim_;
  std::unique_ptr<paystack::test::loopback_server> paystack_;
  json::object transaction_, refund_, settlement_;
  std::atomic<std::int64_t> transactions_{0}, refunds_{0}, settlements_{0};
  std::string db_;
};

TEST_F(CliReportBounds, lists_of_exactly_the_bound_are_reported) {
  transactions_ = refunds_ = settlements_ = max_items;
  fill_store(0, 0);
  auto r = report({"--json"});
  ASSERT_EQ(r.exit_code, 1) << r.err;  // 10,000 payments and refunds no store record names
  EXPECT_EQ(r.err, "");
  std::map<std::string, std::int64_t> kinds;
  const auto doc = json::parse(r.out);  // bound: the loop below reads into it
  for (const auto& l : doc.at("lines").as_array()) ++kinds[std::string(l.at("kind").as_string())];
  const std::map<std::string, std::int64_t> want{{"unrecorded_payment", max_items},
                                                 {"refund_not_recorded", max_items},
                                                 {"settlement", max_items}};
  EXPECT_EQ(kinds, want);
}

TEST_F(CliReportBounds, one_more_item_of_a_paystack_list_is_refused_and_nothing_printed) {
  fill_store(0, 0);
  // Each list over its bound, the others not; in each output format.
  const std::vector<std::tuple<std::atomic<std::int64_t>*, std::string, std::string>> lists{
      {&transactions_, "transactions", "--json"},
      {&refunds_, "refunds", "--csv"},
      {&settlements_, "settlements", ""}};
  for (const auto& [count, what, format] : lists) {
    SCOPED_TRACE(what);
    transactions_ = refunds_ = settlements_ = 1;
    *count = max_items + 1;
    auto r = report(format.empty() ? std::vector<std::string>{} : std::vector{format});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "") << "a report of an incomplete day";
    EXPECT_EQ(r.err, "paystack-terminal: more than 10000 " + what +
                         " on that day: the report would be incomplete\n");
  }
}

TEST_F(CliReportBounds, store_tables_of_exactly_the_bound_are_read) {
  fill_store(max_records, max_records);
  auto r = report();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Nothing recorded or paid that day."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Everything matches."), std::string::npos) << r.out;
}

TEST_F(CliReportBounds, one_more_store_record_is_refused_and_nothing_printed) {
  for (auto [charges, refunds] :
       {std::pair{max_records + 1, std::int64_t{0}}, std::pair{std::int64_t{0}, max_records + 1}}) {
    SCOPED_TRACE(std::to_string(charges) + " charges, " + std::to_string(refunds) + " refunds");
    remove_db();
    fill_store(charges, refunds);
    auto r = report({"--json"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "") << "a report of an incomplete store";
    EXPECT_EQ(r.err,
              "paystack-terminal: the store holds more than 100000 records: the report would be "
              "incomplete\n");
    EXPECT_EQ(paystack_->requests(), 0u) << "Paystack was asked after the store was refused";
  }
}

}  // namespace
