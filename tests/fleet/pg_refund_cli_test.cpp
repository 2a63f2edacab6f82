// Exactly-once refunds with a PostgreSQL store (issue 27 item 1, doc/refunds.md): paystack-terminal
// `refund create TXN --amount N --key K --store postgres://...` killed with SIGKILL at each
// failpoint and run again with the key (one refund, the right amount), and two processes refunding
// one transaction at once through one database: the store's refund lease lets one send, the other
// sees its refund and refuses before sending (never more refunded than the transaction's amount).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <paystack/sim/server.hpp>

#include "cli_runner.hpp"
#include "pg_test_support.hpp"
#include "sim_sales.hpp"

namespace fleet_test {
namespace {

using namespace std::chrono_literals;

constexpr const char* secret = "sk_test_fleet_refund_5d03a7";
constexpr const char* exe = PAYSTACK_TERMINAL_EXE;

class PgRefundCli : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    paystack::sim::server_options o;
    o.secret_key = secret;
    o.delivery_delay = 0ms;
    o.auto_pay_delay = 0ms;
    o.refund_delay.reset();  // refunds stay pending: the test reads them as made
    sim_ = std::make_unique<paystack::sim::server>(o);
    sim_->start();
  }
  void TearDown() override {
    if (sim_) sim_->stop();
    PgTest::TearDown();
  }

  std::vector<std::string> env(const std::string& failpoint = {}) const {
    std::vector<std::string> e{"PATH=/usr/bin:/bin", "LANG=C",
                               std::string("PAYSTACK_SECRET_KEY=") + secret,
                               "PAYSTACK_BASE_URL=" + sim_->base_url()};
    if (!failpoint.empty()) e.push_back("PAYSTACK_FAILPOINT=" + failpoint);
    return e;
  }
  std::vector<std::string> refund_args(const std::string& txn, std::int64_t amount,
                                       const std::string& key) const {
    return {"refund", "create", txn,       "--amount", std::to_string(amount),
            "--key",  key,      "--store", url_};
  }

  std::unique_ptr<paystack::sim::server> sim_;
};

class PgRefundCrash : public PgRefundCli, public ::testing::WithParamInterface<const char*> {};

TEST_P(PgRefundCrash, the_rerun_with_the_key_leaves_one_refund_of_the_right_amount) {
  const auto txn = cli_test::paid_transaction(*sim_, secret, 1000);
  ASSERT_FALSE(txn.empty());
  auto first = cli_test::run(exe, refund_args(txn, 400, "return-pg-1"), env(GetParam()));
  ASSERT_EQ(first.exit_code, 128 + SIGKILL) << "not killed at " << GetParam() << ": " << first.err;
  auto again = cli_test::run(exe, refund_args(txn, 400, "return-pg-1"), env());
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("REFUNDED: key return-pg-1"), std::string::npos) << again.out;
  EXPECT_EQ(cli_test::refunds_of(*sim_, secret, txn), std::vector<std::int64_t>{400})
      << "one refund, right amount";
  auto shown =
      cli_test::run(exe, {"--json", "refunds", "show", "return-pg-1", "--store", url_}, env());
  ASSERT_EQ(shown.exit_code, 0) << shown.out << shown.err;
  auto rec = boost::json::parse(shown.out).as_object();
  EXPECT_EQ(rec.at("outcome"), "refunded");
}

// No refund_journal_write:STAGE here: the PostgreSQL store writes a record and its journal entry
// in one statement that commits on its own (pg_store_refunds.cpp), so there is no moment between
// the write and its commit for a process to die in; refund_after_begin is the moment right after.
INSTANTIATE_TEST_SUITE_P(EveryPoint, PgRefundCrash,
                         ::testing::Values("refund_after_begin", "refund_before_send",
                                           "refund_after_send", "refund_after_record"));

TEST_F(PgRefundCli, two_processes_refunding_one_transaction_never_exceed_its_amount) {
  for (int round = 0; round < 3; ++round) {
    // Not a magic amount (01-03, 14); two refunds of 700 always exceed it, one never does.
    const std::int64_t amount = 1000 + 100 * round;
    const auto txn = cli_test::paid_transaction(*sim_, secret, amount);
    ASSERT_FALSE(txn.empty());
    const std::string a = "pg-race-a-" + std::to_string(round);
    const std::string b = "pg-race-b-" + std::to_string(round);
    cli_test::child one(exe, refund_args(txn, 700, a), env());
    cli_test::child two(exe, refund_args(txn, 700, b), env());
    auto r1 = one.finish(60s);
    auto r2 = two.finish(60s);
    ASSERT_FALSE(r1.timed_out || r2.timed_out);
    EXPECT_EQ(r1.exit_code + r2.exit_code, 1) << r1.out << r1.err << r2.out << r2.err;
    const auto& loser = r1.exit_code == 0 ? r2 : r1;
    EXPECT_NE(loser.out.find("nothing was sent"), std::string::npos)
        << "the second refund must see the first one (serialised), not be refused by Paystack: "
        << loser.out << loser.err;
    auto made = cli_test::refunds_of(*sim_, secret, txn);
    ASSERT_EQ(made.size(), 1u);
    EXPECT_EQ(made[0], 700);
  }
}

}  // namespace
}  // namespace fleet_test
