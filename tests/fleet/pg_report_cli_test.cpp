// paystack-terminal report with a PostgreSQL store (doc/cli.md "report"): a keyed charge and a
// keyed refund recorded through `--store postgres://...` are matched with the simulator's day
// (exit 0); a payment the store does not hold makes the day a mismatch (exit 1); an unreachable
// PostgreSQL store is a usage error (exit 2) with no report.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <paystack/sim/server.hpp>

#include "cli_runner.hpp"
#include "pg_test_support.hpp"
#include "sim_sales.hpp"
#include "utc_today.hpp"

namespace fleet_test {
namespace {

using namespace std::chrono_literals;

constexpr const char* key = "sk_test_fleet_report_61b0e2";
constexpr const char* exe = PAYSTACK_TERMINAL_EXE;

using test_support::utc_today;

class PgReportCli : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    paystack::sim::server_options o;
    o.secret_key = key;
    o.seed = 7;
    o.delivery_delay = 0ms;
    o.auto_pay_delay = 0ms;
    o.refund_delay.reset();  // the refund stays pending
    sim_ = std::make_unique<paystack::sim::server>(o);
    sim_->start();
  }
  void TearDown() override {
    if (sim_) sim_->stop();
    PgTest::TearDown();
  }

  cli_test::run_result cli(const std::vector<std::string>& args) const {
    auto r =
        cli_test::run(exe, args,
                      {"PATH=/usr/bin:/bin", "LANG=C", std::string("PAYSTACK_SECRET_KEY=") + key,
                       "PAYSTACK_BASE_URL=" + sim_->base_url()});
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.out.find(key), std::string::npos) << "the secret key was printed";
    return r;
  }
  /// The report's JSON document: its exit code and each kind of line counted.
  std::pair<int, std::map<std::string, int>> report(boost::json::value& doc) const {
    auto r = cli({"--json", "report", "--date", utc_today(), "--store", url_});
    EXPECT_EQ(r.err, "");
    std::map<std::string, int> kinds;
    doc = boost::json::parse(r.out);
    for (const auto& l : doc.at("lines").as_array()) ++kinds[std::string(l.at("kind").as_string())];
    return {r.exit_code, kinds};
  }

  std::unique_ptr<paystack::sim::server> sim_;
};

TEST_F(PgReportCli, the_day_of_a_postgres_store_is_matched_with_paystacks) {
  const auto terminal = sim_->terminal_ids().at(0);
  auto charged = cli({"charge", terminal, "--amount", "5000", "--customer", "CUS_fleetreport1",
                      "--key", "pg-report-sale", "--timeout", "10s", "--store", url_});
  ASSERT_EQ(charged.exit_code, 0) << charged.out << charged.err;
  auto listed = cli({"--json", "transaction", "list", "--per-page", "1"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto txn = std::to_string(
      boost::json::parse(listed.out).at("data").as_array().at(0).at("id").as_int64());
  auto refunded = cli(
      {"refund", "create", txn, "--amount", "1000", "--key", "pg-report-return", "--store", url_});
  ASSERT_EQ(refunded.exit_code, 0) << refunded.out << refunded.err;

  boost::json::value doc;
  auto [code, kinds] = report(doc);
  EXPECT_EQ(code, 0) << doc;
  const std::map<std::string, int> matching{
      {"matched", 1}, {"refund_pending", 1}, {"settlement", 1}};
  EXPECT_EQ(kinds, matching) << doc;
  const auto& totals = doc.at("totals").as_array();
  ASSERT_EQ(totals.size(), 1u) << doc;
  EXPECT_EQ(totals[0].at("recorded_amount"), 5000);
  EXPECT_EQ(totals[0].at("paid_amount"), 5000);
  EXPECT_EQ(totals[0].at("refunded_amount"), 1000);

  // A sale the store does not hold: paid at Paystack, not recorded.
  ASSERT_FALSE(cli_test::paid_transaction(*sim_, key, 7000).empty());
  auto [late_code, late_kinds] = report(doc);
  EXPECT_EQ(late_code, 1) << doc;
  EXPECT_EQ(late_kinds["unrecorded_payment"], 1) << doc;
  EXPECT_EQ(late_kinds["matched"], 1) << doc;
  EXPECT_EQ(doc.at("mismatches"), 1) << doc;
}

TEST_F(PgReportCli, an_unreachable_postgres_store_is_a_usage_error_and_no_report) {
  auto r = cli({"report", "--date", utc_today(), "--store",
                "postgres://pos:hunter2pw@127.0.0.1:1/pos?connect_timeout=2"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.find("hunter2pw"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace fleet_test
