// paystack-terminal report: a day seeded with each kind of line (the store written directly, the
// sales and refunds made through the embedded simulator's API and control API), its table, CSV
// and JSON (golden files); a day where everything matches exits 0; bad input exits 2 and creates
// nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <paystack/charge_store.hpp>
#include <paystack/refund_flow.hpp>
#include <paystack/sim/server.hpp>
#include <paystack/store_url.hpp>
#include <regex>

#include "cli_runner.hpp"
#include "golden.hpp"
#include "running_context.hpp"
#include "sim_sales.hpp"
#include "utc_today.hpp"

namespace {

namespace fs = std::filesystem;
using cli_test::run_result;
using cli_test::sim_call;

constexpr const char* key = "sk_test_cli_report_5b1e";

using test_support::utc_today;

/// A payment request made in the simulator.
struct sale {
  std::int64_t request_id = 0;
  std::string request_code, offline_reference;
  std::string transaction_id;  ///< once paid
};

class CliReport : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = cli_test::golden_sim_options(key);
    o.refund_delay = std::nullopt;  // refunds move only through the control API
    sim_ = std::make_unique<paystack::sim::server>(o);
    sim_->start();
    db_ = (fs::temp_directory_path() / ("paystack-report-" + std::to_string(::getpid()) + ".db"))
              .string();
    remove_db();
  }
  void TearDown() override {
    sim_->stop();
    remove_db();
  }
  void remove_db() const {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_ + suffix);
  }

  /// The run, with today's date and the settlement id (the day) made stable.
  run_result cli(const std::vector<std::string>& args) const {
    auto r = cli_test::run_cli(args, key, sim_->base_url());
    auto date = utc_today();
    auto compact = date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2);
    for (auto* s : {&r.out, &r.err}) {
      *s = std::regex_replace(*s, std::regex(compact + R"(\d\d)"), "<SETTLEMENT_ID>");
      *s = std::regex_replace(*s, std::regex(date), "<DATE>");
    }
    return r;
  }
  run_result report(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"report", "--date", utc_today(), "--store", db_};
    args.insert(args.end(), extra.begin(), extra.end());
    return cli(args);
  }

  sale request(std::int64_t amount) const {
    auto pr = sim_call(*sim_, key, "POST", "/paymentrequest",
                       R"({"customer":"CUS_report000001","amount":)" + std::to_string(amount) + "}")
                  .at("data");
    return {pr.at("id").as_int64(),
            std::string(pr.at("request_code").as_string()),
            std::string(pr.at("offline_reference").as_string()),
            {}};
  }
  /// The customer pays `s` on the first terminal; its transaction id.
  void pay(sale& s) const {
    const auto terminal = sim_->terminal_ids().at(0);
    sim_call(*sim_, key, "POST", "/terminal/" + terminal + "/event",
             R"({"type":"invoice","action":"process","data":{"id":)" +
                 std::to_string(s.request_id) + R"(,"reference":")" + s.offline_reference +
                 R"("}})");
    auto list = sim_call(*sim_, key, "GET", "/transaction?perPage=100");
    for (const auto& t : list.at("data").as_array())
      if (t.as_object().if_contains("request_code") &&
          t.at("request_code").as_string() == s.request_code)
        s.transaction_id = std::to_string(t.at("id").as_int64());
    ASSERT_FALSE(s.transaction_id.empty()) << "not paid: " << s.request_code;
  }
  std::int64_t refund(const sale& s, std::int64_t amount) const {
    auto f = sim_call(
        *sim_, key, "POST", "/refund",
        R"({"transaction":")" + s.transaction_id + R"(","amount":)" + std::to_string(amount) + "}");
    return f.at("data").at("id").as_int64();
  }
  void control(const std::string& target) const {
    EXPECT_TRUE(sim_call(*sim_, key, "POST", target).at("status").as_bool()) << target;
  }

  /// Writes `rec` to the store: begun, then saved with every field.
  void put(paystack::charge_record rec) const {
    with_store([&](paystack::charge_store& s) {
      std::promise<paystack::charge_record> began;
      s.async_begin(rec, [&](boost::system::error_code ec, paystack::charge_record r, bool) {
        EXPECT_FALSE(ec) << ec.message();
        began.set_value(std::move(r));
      });
      const auto stored = began.get_future().get();
      rec.version = stored.version;
      rec.created_at_ms = stored.created_at_ms;  // now: the store's clock
      std::promise<void> saved;
      s.async_save(rec, "seeded", [&](boost::system::error_code ec, paystack::charge_record) {
        EXPECT_FALSE(ec) << ec.message();
        saved.set_value();
      });
      saved.get_future().get();
    });
  }
  void put(paystack::refund_record rec) const {
    with_store([&](paystack::charge_store& s) {
      std::promise<paystack::refund_record> began;
      s.async_begin_refund(rec, [&](boost::system::error_code ec, paystack::refund_record r, bool) {
        EXPECT_FALSE(ec) << ec.message();
        began.set_value(std::move(r));
      });
      const auto stored = began.get_future().get();
      rec.version = stored.version;
      rec.created_at_ms = stored.created_at_ms;
      std::promise<void> saved;
      s.async_save_refund(rec, "seeded",
                          [&](boost::system::error_code ec, paystack::refund_record) {
                            EXPECT_FALSE(ec) << ec.message();
                            saved.set_value();
                          });
      saved.get_future().get();
    });
  }
  template <class F>
  void with_store(F f) const {
    paystack::test::running_context ctx;
    boost::system::error_code ec;
    std::string why;
    auto store = paystack::open_charge_store(ctx.io.get_executor(), db_, ec, why);
    ASSERT_TRUE(store) << why;
    f(*store);
  }

  paystack::charge_record charge(const std::string& k, const sale& s, std::int64_t amount,
                                 std::optional<paystack::charge_outcome> outcome,
                                 std::string reason = {}) const {
    paystack::charge_record c;
    c.key = k;
    c.terminal_id = sim_->terminal_ids().at(0);
    c.customer = "CUS_report000001";
    c.amount = amount;
    c.stage =
        outcome ? paystack::charge_journal_stage::finished : paystack::charge_journal_stage::pushed;
    c.request_id = s.request_id;
    c.request_code = s.request_code;
    c.offline_reference = s.offline_reference;
    c.outcome = outcome;
    c.reason = std::move(reason);
    return c;
  }
  static paystack::refund_record keyed(const std::string& k, const std::string& txn,
                                       std::int64_t amount, std::optional<std::int64_t> id,
                                       std::optional<paystack::refund_outcome> outcome) {
    paystack::refund_record r;
    r.key = k;
    r.transaction = txn;
    r.amount = amount;
    r.refund_id = id;
    r.outcome = outcome;
    r.stage = outcome ? paystack::refund_journal_stage::finished
                      : paystack::refund_journal_stage::sending;
    return r;
  }

  std::unique_ptr<paystack::sim::server> sim_;
  std::string db_;
};

TEST_F(CliReport, a_day_with_each_kind_of_line) {
  using paystack::charge_outcome;
  using paystack::refund_outcome;
  auto matched = request(50000), unrecorded = request(7000), late = request(9000);
  auto not_paid = request(11000), unfinished = request(13000), declined = request(15000);
  put(charge("k-matched", matched, 50000, charge_outcome::paid));
  put(charge("k-late", late, 9000, charge_outcome::timed_out, "no outcome before the deadline"));
  put(charge("k-not-paid", not_paid, 11000, charge_outcome::paid));
  put(charge("k-unfinished", unfinished, 13000, std::nullopt));
  put(charge("k-declined", declined, 15000, charge_outcome::declined, "the customer declined"));
  pay(matched);
  pay(unrecorded);
  pay(late);

  const auto processed = refund(matched, 1000);
  control("/_sim/refunds/" + std::to_string(processed) + "/advance");
  control("/_sim/refunds/" + std::to_string(processed) + "/advance");
  const auto pending = refund(matched, 500);
  const auto attention = refund(matched, 1014);
  control("/_sim/refunds/" + std::to_string(attention) + "/needs-attention");
  const auto failed = refund(unrecorded, 2013);
  control("/_sim/refunds/" + std::to_string(failed) + "/advance");
  control("/_sim/refunds/" + std::to_string(failed) + "/advance");
  refund(unrecorded, 300);  // made elsewhere: no keyed refund names it
  put(keyed("r-processed", matched.transaction_id, 1000, processed, refund_outcome::refunded));
  put(keyed("r-pending", matched.transaction_id, 500, pending, refund_outcome::refunded));
  put(keyed("r-attention", matched.transaction_id, 1014, attention, refund_outcome::refunded));
  put(keyed("r-failed", unrecorded.transaction_id, 2013, failed, refund_outcome::refunded));
  put(keyed("r-missing", matched.transaction_id, 700, 999999, refund_outcome::refunded));
  put(keyed("r-unfinished", matched.transaction_id, 800, std::nullopt, std::nullopt));

  cli_test::expect_golden("report_day", report());
  cli_test::expect_golden("report_day_csv", report({"--csv"}));
  auto json = report({"--json"});
  cli_test::expect_golden("report_day_json", json);
  ASSERT_EQ(json.exit_code, 1) << json.err;
  const auto doc = boost::json::parse(json.out);
  std::map<std::string, int> kinds;
  for (const auto& l : doc.at("lines").as_array()) ++kinds[std::string(l.at("kind").as_string())];
  const std::map<std::string, int> want{{"matched", 1},
                                        {"unrecorded_payment", 2},
                                        {"recorded_not_paid", 1},
                                        {"unfinished_charge", 1},
                                        {"unpaid", 1},
                                        {"refund_processed", 1},
                                        {"refund_pending", 1},
                                        {"refund_needs_attention", 1},
                                        {"refund_failed", 1},
                                        {"refund_not_recorded", 1},
                                        {"refund_missing", 1},
                                        {"refund_unfinished", 1},
                                        {"settlement", 1}};
  EXPECT_EQ(kinds, want) << json.out;
  EXPECT_EQ(doc.at("mismatches").as_int64(), 9);
}

TEST_F(CliReport, a_day_where_everything_matches_exits_0) {
  auto s = request(5000);
  put(charge("k1", s, 5000, paystack::charge_outcome::paid));
  pay(s);
  cli_test::expect_golden("report_day_matches", report());
}

TEST_F(CliReport, bad_input_exits_2_and_creates_nothing) {
  const std::string closed = "http://127.0.0.1:1";
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--base-url", closed});
    return cli_test::run_cli(args, key, closed);
  };
  for (const char* date : {"2026-02-30", "2026-1-1", "yesterday", "", "2026-12-07T00:00Z"}) {
    SCOPED_TRACE(date);
    auto r = run({"report", "--date", date, "--store", db_});
    EXPECT_EQ(r.exit_code, 2) << r.err;
  }
  EXPECT_EQ(run({"report", "--store", db_}).exit_code, 2);          // no --date
  EXPECT_EQ(run({"report", "--date", "2026-12-07"}).exit_code, 2);  // no --store
  auto missing = run({"report", "--date", "2026-12-07", "--store", db_});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(db_)) << "the store was created";
  EXPECT_EQ(run({"report", "--date", "2026-12-07", "--store", "redis://x"}).exit_code, 2);
  const auto text = db_ + ".txt";
  std::ofstream(text) << "not a store\n";
  EXPECT_EQ(run({"report", "--date", "2026-12-07", "--store", text}).exit_code, 2);
  EXPECT_EQ(cli_test::read_file(text), "not a store\n");
  fs::remove(text);
  put(charge("k1", sale{}, 5000, paystack::charge_outcome::paid));
  auto both = run({"report", "--date", "2026-12-07", "--store", db_, "--csv", "--json"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("not both"), std::string::npos) << both.err;
}

}  // namespace

TEST_F(CliReport, a_refused_key_exits_1_and_no_reply_exits_3_without_a_report) {
  put(charge("k1", sale{}, 5000, paystack::charge_outcome::paid));
  auto refused = cli_test::run_cli({"report", "--date", utc_today(), "--store", db_},
                                   "sk_test_not_the_simulators_key", sim_->base_url());
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_EQ(refused.out, "");
  EXPECT_NE(refused.err.find("HTTP 401"), std::string::npos) << refused.err;
  auto closed =
      cli_test::run_cli({"report", "--date", utc_today(), "--store", db_, "--timeout", "2s"}, key,
                        "http://127.0.0.1:1");
  EXPECT_EQ(closed.exit_code, 3) << closed.err;
  EXPECT_EQ(closed.out, "");
}
