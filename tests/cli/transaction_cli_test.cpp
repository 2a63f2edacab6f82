// paystack-terminal transaction and refund commands end to end against the embedded simulator
// (payments and refund steps immediate: delays 0), with golden files, exit codes and usage
// errors refused before anything is sent.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <paystack/paystack.hpp>
#include <paystack/sim/server.hpp>

#include "cli_runner.hpp"
#include "golden.hpp"

namespace {

using cli_test::expect_golden;
using cli_test::run_result;
using namespace std::chrono_literals;

constexpr const char* key = "sk_test_cli_transactions_4e9b";

class CliTransactions : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = cli_test::golden_sim_options(key);
    o.refund_delay = 0ms;
    sim_ = std::make_unique<paystack::sim::server>(o);
    sim_->start();
    terminal_ = sim_->terminal_ids().at(0);
  }
  void TearDown() override { sim_->stop(); }

  run_result cli(const std::vector<std::string>& args) const {
    return cli_test::run_cli(args, key, sim_->base_url());
  }

  /// A payment of `amount` on the first terminal, made through the library (payment and delivery
  /// are immediate); returns its transaction reference.
  std::string pay(std::int64_t amount) {
    boost::asio::io_context io;
    paystack::client_options o;
    o.secret_key = key;
    o.base_url = sim_->base_url();
    paystack::terminal_client terminals(io.get_executor(), o);
    paystack::payment_request_client requests(terminals);
    auto created = requests.async_create_payment_request(
        {.customer = "CUS_clitxn00001", .amount = amount}, boost::asio::use_future);
    io.run();
    const auto pr = created.get();
    EXPECT_TRUE(pr.ok()) << pr.raw_body;
    io.restart();
    auto pushed = terminals.async_send_event(
        terminal_,
        paystack::terminal_event::process_invoice(pr.data->id, *pr.data->offline_reference),
        boost::asio::use_future);
    io.run();
    EXPECT_TRUE(pushed.get().ok());
    io.restart();
    auto verified = paystack::payment_request_client(terminals).async_fetch_payment_request(
        pr.data->request_code, boost::asio::use_future);
    io.run();
    EXPECT_EQ(verified.get().data->status, "success");
    auto list = cli({"--json", "transaction", "list", "--per-page", "1"});
    EXPECT_EQ(list.exit_code, 0) << list.err;
    return std::string(boost::json::parse(list.out).at("data").at(0).at("reference").as_string());
  }

  std::unique_ptr<paystack::sim::server> sim_;
  std::string terminal_;
};

TEST_F(CliTransactions, list_fetch_verify_and_totals) {
  const auto first = pay(5000);
  pay(2500);
  expect_golden("transaction_list", cli({"transaction", "list", "--terminal", terminal_}));
  expect_golden("transaction_list_page",
                cli({"transaction", "list", "--per-page", "1", "--page", "2"}));
  expect_golden("transaction_list_all_json",
                cli({"--json", "transaction", "list", "--all", "--per-page", "1"}));
  expect_golden("transaction_list_cursor",
                cli({"transaction", "list", "--cursor", "--per-page", "1"}));
  expect_golden("transaction_verify", cli({"transaction", "verify", first}));
  auto json = cli({"--json", "transaction", "verify", first});
  EXPECT_EQ(json.exit_code, 0);
  const auto id = boost::json::parse(json.out).at("data").at("id").as_int64();
  expect_golden("transaction_fetch", cli({"transaction", "fetch", std::to_string(id)}));
  expect_golden("transaction_totals", cli({"transaction", "totals"}));
  expect_golden("transaction_verify_unknown", cli({"transaction", "verify", "pos_unknown"}));
  EXPECT_EQ(cli({"transaction", "fetch", "1"}).exit_code, 1);
}

TEST_F(CliTransactions, refund_create_list_fetch) {
  const auto reference = pay(5000);
  expect_golden("refund_create", cli({"refund", "create", reference, "--amount", "2000",
                                      "--customer-note", "sorry"}));
  expect_golden("refund_too_much", cli({"refund", "create", reference, "--amount", "3001"}));
  auto rest = cli({"--json", "refund", "create", reference});
  EXPECT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_EQ(boost::json::parse(rest.out).at("data").at("amount"), 3000);
  expect_golden("refund_list", cli({"refund", "list", "--transaction", reference}));
  expect_golden("refund_list_all_json",
                cli({"--json", "refund", "list", "--all", "--per-page", "1"}));
  const auto id = boost::json::parse(rest.out).at("data").at("id").as_int64();
  expect_golden("refund_fetch", cli({"refund", "fetch", std::to_string(id)}));
}

TEST_F(CliTransactions, usage_errors_exit_2_before_anything_is_sent) {
  const std::vector<std::string> closed{"--base-url", "http://127.0.0.1:1"};
  for (std::vector<std::string> args : {std::vector<std::string>{"transaction"},
                                        {"transaction", "list", "--per-page", "0"},
                                        {"transaction", "list", "--next", "abc"},  // needs --cursor
                                        {"transaction", "list", "--cursor", "--page", "2"},
                                        {"transaction", "list", "--terminal", ""},
                                        {"transaction", "fetch", "0"},
                                        {"transaction", "fetch", "abc"},
                                        {"transaction", "verify"},
                                        {"refund"},
                                        {"refund", "create"},
                                        {"refund", "create", "pos_x", "--amount", "0"},
                                        {"refund", "create", "pos_x", "--currency", "naira"},
                                        {"refund", "list", "--page", "0"},
                                        {"refund", "fetch", "-1"}}) {
    SCOPED_TRACE(args.front() + " " + (args.size() > 1 ? args[1] : ""));
    args.insert(args.end(), closed.begin(), closed.end());
    EXPECT_EQ(cli(args).exit_code, 2);
  }
}

TEST_F(CliTransactions, help_groups_and_examples) {
  auto top = cli({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("Transactions:"), std::string::npos) << top.out;
  EXPECT_NE(top.out.find("Refunds:"), std::string::npos) << top.out;
  for (std::vector<std::string> args : {std::vector<std::string>{"transaction", "list"},
                                        {"transaction", "fetch"},
                                        {"transaction", "verify"},
                                        {"transaction", "totals"},
                                        {"refund", "create"},
                                        {"refund", "list"},
                                        {"refund", "fetch"}}) {
    args.push_back("--help");
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << r.out;
  }
}

}  // namespace
