// Exactly-once refunds end to end (issue 27 item 1): `paystack-terminal refund create TXN
// --amount N --key K --store DB` is killed with SIGKILL at each failpoint of the refund
// (PAYSTACK_FAILPOINT, compiled in with PAYSTACK_TEST_FAILPOINTS: after the key's first record,
// inside each journal write before its commit, around the send) and run again with the key: the
// simulator holds exactly one refund of the right amount. And the race: two processes refund one
// transaction at once with different keys, more than it holds together; the store's refund lease
// makes the second see the first's refund and refuse before sending (the refunds never add up
// over the amount). No sleeps: the children are waited for.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <paystack/charge_store.hpp>
#include <paystack/sim/server.hpp>

#include "cli_runner.hpp"
#include "sim_sales.hpp"

using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

constexpr const char* exe = PAYSTACK_TERMINAL_EXE;
constexpr const char* secret = "sk_test_refund_crash_2c9b1f";

class RefundCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    paystack::sim::server_options so;
    so.secret_key = secret;
    so.delivery_delay = 0ms;
    so.auto_pay_delay = 0ms;
    so.refund_delay.reset();  // refunds stay pending: the test reads them as made
    sim_ = std::make_unique<paystack::sim::server>(so);
    sim_->start();
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (auto& c : name)
      if (c == '/') c = '_';  // a parameterised test's name: NAME/N
    db_ = (std::filesystem::temp_directory_path() /
           ("paystack-refund-" + std::to_string(::getpid()) + "-" + name + ".db"))
              .string();
    remove_db();
  }
  void TearDown() override {
    sim_->stop();
    remove_db();
  }
  void remove_db() {
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(db_ + s);
  }

  /// A paid terminal sale of `amount`: its transaction id.
  std::string paid_transaction(std::int64_t amount) const {
    return cli_test::paid_transaction(*sim_, secret, amount);
  }
  /// The refunds the simulator holds for `txn`: their amounts.
  std::vector<std::int64_t> refunds_of(const std::string& txn) const {
    return cli_test::refunds_of(*sim_, secret, txn);
  }

  std::vector<std::string> env(const std::string& failpoint = {}) const {
    std::vector<std::string> e{"PATH=/usr/bin:/bin", std::string("PAYSTACK_SECRET_KEY=") + secret,
                               "PAYSTACK_BASE_URL=" + sim_->base_url()};
    if (!failpoint.empty()) e.push_back("PAYSTACK_FAILPOINT=" + failpoint);
    if (const char* tsan = std::getenv("TSAN_OPTIONS"))
      e.push_back(std::string("TSAN_OPTIONS=") + tsan);
    return e;
  }
  std::vector<std::string> refund_args(const std::string& txn, std::int64_t amount,
                                       const std::string& key) const {
    return {"refund", "create", txn,       "--amount", std::to_string(amount),
            "--key",  key,      "--store", db_};
  }

  std::unique_ptr<paystack::sim::server> sim_;
  std::string db_;
};

class RefundCrashMatrix : public RefundCrash, public ::testing::WithParamInterface<const char*> {};

TEST_P(RefundCrashMatrix, the_rerun_with_the_key_leaves_one_refund_of_the_right_amount) {
  const auto txn = paid_transaction(1000);
  ASSERT_FALSE(txn.empty());
  auto first = cli_test::run(exe, refund_args(txn, 400, "return-77"), env(GetParam()));
  ASSERT_EQ(first.exit_code, 128 + SIGKILL) << "not killed at " << GetParam() << ": " << first.err;

  auto again = cli_test::run(exe, refund_args(txn, 400, "return-77"), env());
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("REFUNDED: key return-77"), std::string::npos) << again.out;
  EXPECT_EQ(refunds_of(txn), std::vector<std::int64_t>{400}) << "one refund, right amount";

  // And once more: the recorded outcome, nothing sent.
  auto third = cli_test::run(exe, refund_args(txn, 400, "return-77"), env());
  EXPECT_EQ(third.exit_code, 0) << third.out << third.err;
  EXPECT_NE(third.out.find("recorded before; nothing sent"), std::string::npos) << third.out;
  EXPECT_EQ(refunds_of(txn), std::vector<std::int64_t>{400});

  auto shown =
      cli_test::run(exe, {"--json", "refunds", "show", "return-77", "--store", db_}, env());
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  auto rec = json::parse(shown.out).as_object();
  EXPECT_EQ(rec.at("stage"), "finished");
  EXPECT_EQ(rec.at("outcome"), "refunded");
}

// refund_after_begin: the key's first record (stage started) committed, nothing else done;
// refund_journal_write:STAGE: inside the SQLite store's write of that stage, the record and its
// journal entry written and not committed (started: the key was never recorded; sending: the
// record stays started; finished: the refund was made and the record stays sending).
INSTANTIATE_TEST_SUITE_P(EveryPoint, RefundCrashMatrix,
                         ::testing::Values("refund_after_begin", "refund_journal_write:started",
                                           "refund_journal_write:sending", "refund_before_send",
                                           "refund_after_send", "refund_journal_write:finished",
                                           "refund_after_record"));

TEST_F(RefundCrash, a_crash_before_sending_is_finished_by_refunds_resume) {
  const auto txn = paid_transaction(2000);
  auto first = cli_test::run(exe, refund_args(txn, 700, "return-78"), env("refund_before_send"));
  ASSERT_EQ(first.exit_code, 128 + SIGKILL) << first.err;
  auto listed = cli_test::run(exe, {"refunds", "list", "--unfinished", "--store", db_}, env());
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("return-78"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("sending"), std::string::npos) << listed.out;
  auto resumed = cli_test::run(exe, {"refunds", "resume", "--all", "--store", db_}, env());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.out.find("1 refund(s) resumed"), std::string::npos) << resumed.out;
  EXPECT_EQ(refunds_of(txn), std::vector<std::int64_t>{700});
}

TEST_F(RefundCrash, two_processes_refunding_one_transaction_never_exceed_its_amount) {
  for (int round = 0; round < 4; ++round) {
    // Not a magic amount (01-03); two refunds of 700 always exceed it, one never does.
    const std::int64_t amount = 1000 + 100 * round;
    const auto txn = paid_transaction(amount);
    ASSERT_FALSE(txn.empty());
    const std::string a = "race-a-" + std::to_string(round);
    const std::string b = "race-b-" + std::to_string(round);
    cli_test::child one(exe, refund_args(txn, 700, a), env());
    cli_test::child two(exe, refund_args(txn, 700, b), env());
    auto r1 = one.finish(30s);
    auto r2 = two.finish(30s);
    ASSERT_FALSE(r1.timed_out || r2.timed_out);
    // One refunded (exit 0), the other refused by the amount check before sending (exit 1).
    EXPECT_EQ(r1.exit_code + r2.exit_code, 1) << r1.out << r1.err << r2.out << r2.err;
    const auto& loser = r1.exit_code == 0 ? r2 : r1;
    EXPECT_NE(loser.out.find("REFUSED"), std::string::npos) << loser.out << loser.err;
    EXPECT_NE(loser.out.find("nothing was sent"), std::string::npos)
        << "the second refund must see the first one (serialised), not be refused by Paystack: "
        << loser.out;
    auto made = refunds_of(txn);
    ASSERT_EQ(made.size(), 1u);
    EXPECT_EQ(made[0], 700);
    EXPECT_LE(made[0], amount);
  }
}

}  // namespace
