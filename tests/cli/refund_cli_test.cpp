// paystack-terminal's exactly-once refunds and refunds that need attention (issue 27 items 1, 2)
// end to end against the embedded simulator, with golden files: refund create --key --store, the
// same key replayed, another key over the amount refused before sending, a key reused for another
// amount (exit 2), refunds list|show|resume; refund retry of a refund in needs-attention (the
// simulator's magic amount), a retry of one that does not need it (exit 1), a bad account
// (exit 2, nothing sent).
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <paystack/sim/server.hpp>

#include "golden.hpp"
#include "sim_sales.hpp"

namespace {

using cli_test::expect_golden;
using cli_test::run_result;
using namespace std::chrono_literals;

constexpr const char* key = "sk_test_cli_refunds_71c2";

class CliRefunds : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = cli_test::golden_sim_options(key);
    o.refund_delay.reset();  // refunds step on only through the control API (/_sim/refunds)
    sim_ = std::make_unique<paystack::sim::server>(o);
    sim_->start();
    db_ = (std::filesystem::temp_directory_path() /
           ("paystack-refund-cli-" + std::to_string(::getpid()) + ".db"))
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
  run_result cli(const std::vector<std::string>& args) const {
    return cli_test::run_cli(args, key, sim_->base_url());
  }
  std::vector<std::string> keyed(const std::string& txn, std::int64_t amount,
                                 const std::string& k) const {
    return {"refund", "create", txn,       "--amount", std::to_string(amount),
            "--key",  k,        "--store", db_};
  }

  std::unique_ptr<paystack::sim::server> sim_;
  std::string db_;
};

TEST_F(CliRefunds, a_keyed_refund_is_sent_once_and_kept_in_the_store) {
  const auto txn = cli_test::paid_transaction(*sim_, key, 1000);
  ASSERT_FALSE(txn.empty());
  expect_golden("refund_keyed_create", cli(keyed(txn, 400, "return-81")));
  expect_golden("refund_keyed_replay", cli(keyed(txn, 400, "return-81")));
  expect_golden("refund_keyed_over_amount", cli(keyed(txn, 700, "return-82")));
  expect_golden("refund_keyed_other_amount", cli(keyed(txn, 500, "return-81")));
  EXPECT_EQ(cli_test::refunds_of(*sim_, key, txn), std::vector<std::int64_t>{400});

  expect_golden("refunds_list", cli({"refunds", "list", "--store", db_}));
  expect_golden("refunds_list_unfinished",
                cli({"refunds", "list", "--unfinished", "--store", db_}));
  expect_golden("refunds_show", cli({"refunds", "show", "return-81", "--store", db_}));
  expect_golden("refunds_show_json",
                cli({"--json", "refunds", "show", "return-82", "--store", db_}));
  expect_golden("refunds_show_unknown", cli({"refunds", "show", "return-99", "--store", db_}));
  expect_golden("refunds_resume_all_none_left",
                cli({"refunds", "resume", "--all", "--store", db_}));
  auto json = cli(
      {"--json", "refund", "create", txn, "--amount", "100", "--key", "return-83", "--store", db_});
  EXPECT_EQ(json.exit_code, 0) << json.out << json.err;
  auto o = boost::json::parse(json.out).as_object();
  EXPECT_EQ(o.at("outcome"), "refunded");
  EXPECT_EQ(o.at("refunded_before"), 400);
  EXPECT_EQ(o.at("transaction_amount"), 1000);
}

TEST_F(CliRefunds, a_keyed_refund_needs_a_store_that_exists_or_may_be_created) {
  const auto txn = cli_test::paid_transaction(*sim_, key, 1000);
  auto no_store = cli({"refund", "create", txn, "--amount", "400", "--key", "return-84"});
  EXPECT_EQ(no_store.exit_code, 2) << no_store.out << no_store.err;
  auto missing = cli({"refunds", "list", "--store", db_ + ".missing"});
  EXPECT_EQ(missing.exit_code, 2) << missing.out << missing.err;
  EXPECT_FALSE(std::filesystem::exists(db_ + ".missing")) << "a list created the store";
  auto bad_key = cli(keyed(txn, 400, "bad key!"));
  EXPECT_EQ(bad_key.exit_code, 2) << bad_key.out << bad_key.err;
  EXPECT_TRUE(cli_test::refunds_of(*sim_, key, txn).empty()) << "something was sent";
}

TEST_F(CliRefunds, retry_sends_the_account_of_a_refund_that_needs_attention) {
  const auto txn = cli_test::paid_transaction(*sim_, key, 5000);
  // Subunits 14: the simulator's refund goes pending, processing, needs-attention.
  auto made = cli({"--json", "refund", "create", txn, "--amount", "1014"});
  ASSERT_EQ(made.exit_code, 0) << made.out << made.err;
  const auto id = std::to_string(boost::json::parse(made.out).at("data").at("id").as_int64());
  for (int step = 0; step < 2; ++step)
    cli_test::sim_call(*sim_, key, "POST", "/_sim/refunds/" + id + "/advance");
  expect_golden("refund_fetch_needs_attention", cli({"refund", "fetch", id}));
  const std::vector<std::string> retry{"refund",     "retry",     id,  "--account-number",
                                       "1234567890", "--bank-id", "9", "--currency",
                                       "NGN"};
  expect_golden("refund_retry", cli(retry));
  expect_golden("refund_retry_not_needed", cli(retry));
  auto bad = cli({"refund", "retry", id, "--account-number", "1234567890", "--bank-id", "9"});
  EXPECT_EQ(bad.exit_code, 2) << "no currency: " << bad.out << bad.err;
  auto unknown = cli({"refund", "retry", "999999", "--account-number", "1234567890", "--bank-id",
                      "9", "--currency", "NGN"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.out << unknown.err;
}

}  // namespace
