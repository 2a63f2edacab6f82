// paystack-terminal after the sale: settlement list|transactions, transaction export|timeline
// (golden files, against the embedded simulator), and the merchant keys file of `webhooks
// listen --merchant-keys` (refused strictly, never echoing a key).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <paystack/paystack.hpp>
#include <paystack/sim/server.hpp>
#include <regex>

#include "cli_runner.hpp"
#include "golden.hpp"

namespace {

using cli_test::expect_golden;
using cli_test::run_result;

constexpr const char* key = "sk_test_cli_settlements_7d2a";

/// What changes from day to day and run to run: the settlement id (the day), the export token.
run_result stable(run_result r) {
  for (auto* s : {&r.out, &r.err}) {
    *s = std::regex_replace(*s, std::regex(R"(\b20\d{8}\b)"), "<SETTLEMENT_ID>");
    *s = std::regex_replace(*s, std::regex(R"(exports/[a-z0-9]{24}\.csv)"), "exports/<TOKEN>.csv");
    *s = std::regex_replace(*s, std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"), "<EXPIRY>");
    *s = std::regex_replace(*s, std::regex(R"("start_time":\d+)"), "\"start_time\":N");
    // The timeline's seconds: 0, or 1 when the payment crossed a second.
    *s = std::regex_replace(*s, std::regex(R"((time spent: |\+)\d+s)"), "$1Ns");
  }
  return r;
}

class CliSettlements : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<paystack::sim::server>(cli_test::golden_sim_options(key));
    sim_->start();
  }
  void TearDown() override { sim_->stop(); }

  run_result cli(const std::vector<std::string>& args) const {
    return stable(cli_test::run_cli(args, key, sim_->base_url()));
  }

  /// A terminal payment of `amount` (payment and delivery immediate); its reference.
  std::string pay(std::int64_t amount) {
    boost::asio::io_context io;
    paystack::client_options o;
    o.secret_key = key;
    o.base_url = sim_->base_url();
    paystack::terminal_client terminals(io.get_executor(), o);
    paystack::payment_request_client requests(terminals);
    auto created = requests.async_create_payment_request(
        {.customer = "CUS_clisettle001", .amount = amount}, boost::asio::use_future);
    io.run();
    const auto pr = created.get();
    EXPECT_TRUE(pr.ok()) << pr.raw_body;
    io.restart();
    auto pushed = terminals.async_send_event(
        sim_->terminal_ids().at(0),
        paystack::terminal_event::process_invoice(pr.data->id, *pr.data->offline_reference),
        boost::asio::use_future);
    io.run();
    EXPECT_TRUE(pushed.get().ok());
    auto list = cli({"--json", "transaction", "list", "--per-page", "1"});
    EXPECT_EQ(list.exit_code, 0) << list.err;
    return std::string(boost::json::parse(list.out).at("data").at(0).at("reference").as_string());
  }

  std::unique_ptr<paystack::sim::server> sim_;
};

TEST_F(CliSettlements, settlements_export_and_timeline) {
  const auto first = pay(5000);  // NGN 50: fee 75 (1.5%, the NGN 100 waived)
  pay(300000);                   // NGN 3,000: fee 4,500 + 10,000
  expect_golden("settlement_list", cli({"settlement", "list"}));
  expect_golden("settlement_list_all_json", cli({"--json", "settlements", "list", "--all"}));
  auto json = cli({"--json", "settlement", "list"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto doc = boost::json::parse(
      cli_test::run_cli({"--json", "settlement", "list"}, key, sim_->base_url()).out);
  const auto id = doc.at("data").at(0).at("id").as_int64();
  expect_golden("settlement_transactions",
                cli({"settlement", "transactions", std::to_string(id), "--per-page", "1"}));
  expect_golden("settlement_transactions_all",
                cli({"settlement", "transactions", std::to_string(id), "--all"}));
  expect_golden("settlement_transactions_unknown", cli({"settlement", "transactions", "99"}));
  expect_golden("transaction_export",
                cli({"transaction", "export", "--from", "2020-01-01", "--status", "success"}));
  expect_golden("transaction_timeline", cli({"transactions", "timeline", first}));
  expect_golden("transaction_timeline_unknown", cli({"transaction", "timeline", "pos_unknown"}));
}

TEST_F(CliSettlements, usage_errors_exit_2_before_anything_is_sent) {
  const std::vector<std::string> closed{"--base-url", "http://127.0.0.1:1"};
  for (std::vector<std::string> args : {std::vector<std::string>{"settlement"},
                                        {"settlement", "list", "--per-page", "0"},
                                        {"settlement", "list", "--page", "2", "--all"},
                                        {"settlement", "list", "--limit", "3"},  // needs --all
                                        {"settlement", "transactions"},
                                        {"settlement", "transactions", "0"},
                                        {"settlement", "transactions", "abc"},
                                        {"transaction", "export", "--status", "paid"},
                                        {"transaction", "export", "--customer", "0"},
                                        {"transaction", "export", "--settlement", "x"},
                                        {"transaction", "timeline"},
                                        {"transaction", "timeline", ""}}) {
    SCOPED_TRACE(args.front() + " " + (args.size() > 1 ? args[1] : ""));
    args.insert(args.end(), closed.begin(), closed.end());
    EXPECT_EQ(cli(args).exit_code, 2);
  }
}

/// Writes `text` to a fresh file with `mode`; its path.
std::string keys_file(const std::string& name, const std::string& text, mode_t mode) {
  const auto p = (std::filesystem::temp_directory_path() /
                  ("paystack-" + name + "-" + std::to_string(::getpid()) + ".keys"))
                     .string();
  std::filesystem::remove(p);
  std::ofstream(p) << text;
  ::chmod(p.c_str(), mode);
  return p;
}

TEST(CliMerchantKeys, a_bad_keys_file_is_refused_and_no_key_is_printed) {
  const std::string secret = "sk_test_merchant_secret_9f3e1c";
  struct bad_case {
    std::string text;
    mode_t mode;
    std::string why;
  };
  const std::vector<bad_case> cases{
      {"m1=" + secret + "\n", 0644, "may be read or written by other users"},
      {"m1=" + secret + "\n", 0660, "may be read or written by other users"},
      {"m1 " + secret + "\n", 0600, "line 1: not merchant=sk_test_... (no '=')"},
      {"# c\n\nm 1=" + secret + "\n", 0600, "line 3: a merchant name"},
      {"m1=pk_test_public_not_secret\n", 0600, "line 1: merchant m1: not a secret key"},
      {"m1=" + secret + " x\n", 0600, "merchant m1: not a secret key"},
      {"m1=" + secret + "\nm1=sk_test_other_key_000\n", 0600, "line 2: merchant m1 is given twice"},
      {"m1=" + secret + "\nm2=" + secret + "\n", 0600, "line 2: merchant m2 has the same key"},
      {"# only a comment\n", 0600, "names no merchant"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.why);
    const auto path = keys_file("bad", c.text, c.mode);
    auto r = cli_test::run_cli({"webhooks", "listen", "--port", "0", "--merchant-keys", path}, key,
                               "http://127.0.0.1:1");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(c.why), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
    std::filesystem::remove(path);
  }
  auto r = cli_test::run_cli(
      {"webhooks", "listen", "--port", "0", "--merchant-keys", "/nonexistent/keys"}, key,
      "http://127.0.0.1:1");
  EXPECT_EQ(r.exit_code, 2);
  auto d = cli_test::run_cli({"webhooks", "listen", "--port", "0", "--merchant-keys", "/tmp"}, key,
                             "http://127.0.0.1:1");
  EXPECT_EQ(d.exit_code, 2);
  EXPECT_NE(d.err.find("not a regular file"), std::string::npos) << d.err;
}

}  // namespace
