// paystack-terminal payment-request <...> end to end against an embedded simulator: every
// subcommand in both output modes (golden files), --all walks, usage errors refused before
// anything is sent (exit 2), and the API's refusals (exit 1).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <paystack/sim/server.hpp>
#include <sstream>

#include "cli_runner.hpp"
#include "golden.hpp"

using namespace std::chrono_literals;
using cli_test::expect_golden;
using cli_test::run_result;

namespace {

constexpr const char* key = "sk_test_cli_payment_requests_7c1d";

class PaymentRequestCli : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<paystack::sim::server>(cli_test::golden_sim_options(key));
    sim_->start();
  }
  void TearDown() override { sim_->stop(); }

  run_result cli(std::vector<std::string> args, bool closed_port = false) const {
    if (closed_port) {
      args.emplace_back("--base-url");
      args.emplace_back("http://127.0.0.1:1");  // anything sent would exit 3, not 2
    }
    args.insert(args.begin(), "payment-request");
    return cli_test::run_cli(args, key, sim_->base_url());
  }

  /// Creates a request through the CLI (--json) and returns its code.
  std::string create(const std::string& amount, const std::string& customer = "CUS_first") {
    auto r = cli({"--json", "create", "--customer", customer, "--amount", amount});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return std::string(boost::json::parse(r.out).at("data").at("request_code").as_string());
  }

  std::unique_ptr<paystack::sim::server> sim_;
};

TEST_F(PaymentRequestCli, help_shows_the_group_and_every_subcommand_has_an_example) {
  auto top = cli_test::run(PAYSTACK_TERMINAL_EXE, {"--help"}, {"PATH=/usr/bin:/bin"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("Payment requests"), std::string::npos) << top.out;
  for (const char* sub :
       {"create", "list", "fetch", "verify", "update", "archive", "finalize", "notify", "totals"}) {
    SCOPED_TRACE(sub);
    auto r = cli({sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << r.out;
  }
}

TEST_F(PaymentRequestCli, create_fetch_verify_in_both_modes) {
  auto created = cli({"create", "--customer", "CUS_xwaj0txjryg393b", "--item", "Rice:2500:2",
                      "--item", "Water:500", "--tax", "VAT:375", "--description", "Table 4"});
  expect_golden("pr_create", created);
  const auto code = create("5000");
  expect_golden("pr_fetch", cli({"fetch", code}));
  expect_golden("pr_verify_json", cli({"--json", "verify", code}));
  auto unknown = cli({"verify", "PRQ_doesnotexist00"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("Payment request not found"), std::string::npos) << unknown.err;
}

TEST_F(PaymentRequestCli, list_a_page_and_walk_them_all) {
  create("1000");
  create("2000", "CUS_second");
  create("3000");
  expect_golden("pr_list_page", cli({"list", "--per-page", "2", "--page", "2"}));
  expect_golden("pr_list_customer", cli({"list", "--customer", "CUS_second"}));
  expect_golden("pr_list_all_limit", cli({"list", "--all", "--per-page", "1", "--limit", "2"}));
  auto lines = cli({"--json", "list", "--all", "--per-page", "2"});
  EXPECT_EQ(lines.exit_code, 0) << lines.err;
  std::istringstream in(lines.out);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line); ++n) {
    EXPECT_TRUE(boost::json::parse(line).as_object().contains("request_code")) << line;
  }
  EXPECT_EQ(n, 3u);
}

TEST_F(PaymentRequestCli, update_archive_finalize_notify_totals) {
  const auto code = create("5000");
  expect_golden("pr_update", cli({"update", code, "--description", "Table 9", "--amount", "7500"}));
  expect_golden("pr_notify", cli({"notify", code}));
  expect_golden("pr_totals", cli({"totals"}));
  expect_golden("pr_archive", cli({"archive", code}));
  auto archived = cli({"verify", code});
  EXPECT_EQ(archived.exit_code, 1);
  EXPECT_NE(archived.err.find("archived"), std::string::npos) << archived.err;
  auto draft = cli({"--json", "create", "--customer", "CUS_first", "--amount", "900", "--draft"});
  ASSERT_EQ(draft.exit_code, 0) << draft.err;
  const std::string draft_code(
      boost::json::parse(draft.out).at("data").at("request_code").as_string());
  expect_golden("pr_finalize", cli({"finalize", draft_code}));
  EXPECT_EQ(cli({"finalize", draft_code}).exit_code, 1);  // not a draft any more
}

TEST_F(PaymentRequestCli, usage_errors_exit_2_before_anything_is_sent) {
  const std::vector<std::vector<std::string>> bad{
      {"create", "--customer", "CUS_1"},                       // no amount, no item
      {"create", "--customer", "CUS_1", "--item", "Rice"},     // no amount in the item
      {"create", "--customer", "CUS_1", "--item", "Rice:-5"},  // not positive
      {"create", "--customer", "CUS_1", "--tax", "VAT:10:2"},  // a tax has no quantity
      {"update", "PRQ_1"},                                     // nothing to change
      {"list", "--per-page", "0"},                             // out of range
      {"list", "--limit", "5"},                                // --limit needs --all
      {"archive"},                                             // no id
      {"fetch", std::string(300, 'x')},                        // refused by the library
  };
  for (const auto& args : bad) {
    SCOPED_TRACE(args.front() + (args.size() > 1 ? " " + args[1] : ""));
    auto r = cli(args, /*closed_port=*/true);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_FALSE(r.err.empty());
  }
}

}  // namespace
