// paystack-terminal virtual-terminal ...: every subcommand against an embedded simulator, in
// both output modes, compared with golden files; usage errors refused before anything is sent.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <paystack/sim/server.hpp>

#include "cli_runner.hpp"
#include "golden.hpp"

using cli_test::expect_golden;
using cli_test::run_result;

namespace {

constexpr const char* key = "sk_test_cli_vt_golden_0c4d1e";
const std::string exe = PAYSTACK_TERMINAL_EXE;

class CliVirtualTerminal : public ::testing::Test {
 protected:
  void SetUp() override {
    auto o = cli_test::golden_sim_options(key);
    o.delivery_delay.reset();
    o.auto_pay_delay.reset();
    sim_ = std::make_unique<paystack::sim::server>(o);
    sim_->start();
  }
  void TearDown() override { sim_->stop(); }

  run_result cli(std::vector<std::string> args, bool to_sim = true) const {
    args.insert(args.begin(), "virtual-terminal");
    return cli_test::run_cli(args, key, to_sim ? sim_->base_url() : "http://127.0.0.1:1");
  }

  /// Creates a terminal through the CLI; returns its code.
  std::string create(const std::string& name) const {
    auto r = cli({"--json", "create", name, "--destination", "2347081234567:Front desk"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return std::string(boost::json::parse(r.out).at("data").at("code").as_string());
  }

  std::unique_ptr<paystack::sim::server> sim_;
};

TEST_F(CliVirtualTerminal, create_fetch_update_and_deactivate) {
  auto r = cli({"create", "Sales Point #1", "--destination", "+27639022319:Phone Destination",
                "--currency", "ZAR", "--metadata", R"({"till":"3"})"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  expect_golden("vt_create", r);
  const auto code = create("Till 2");
  expect_golden("vt_fetch", cli({"fetch", code}));
  expect_golden("vt_update", cli({"update", code, "--name", "Till 2b"}));
  expect_golden("vt_deactivate", cli({"deactivate", code}));
  expect_golden("vt_fetch_json", cli({"--json", "fetch", code}));
  auto unknown = cli({"fetch", "VT_NOSUCH00"});
  EXPECT_EQ(unknown.exit_code, 1);
  expect_golden("vt_fetch_unknown", unknown);
}

TEST_F(CliVirtualTerminal, list_one_page_and_all) {
  for (const char* name : {"Till A", "Till B", "Till C"}) create(name);
  expect_golden("vt_list_page", cli({"list", "--per-page", "2"}));
  expect_golden("vt_list_numbered", cli({"list", "--per-page", "2", "--page", "2"}));
  expect_golden("vt_list_all", cli({"list", "--all", "--per-page", "2"}));
  auto lines = cli({"--json", "list", "--all", "--per-page", "1", "--limit", "2"});
  EXPECT_EQ(lines.exit_code, 0) << lines.err;
  expect_golden("vt_list_all_json", lines);
}

TEST_F(CliVirtualTerminal, destinations_and_split_codes) {
  const auto code = create("Till");
  expect_golden("vt_assign",
                cli({"assign-destination", code, "--destination", "2341234567890:Another one"}));
  expect_golden("vt_unassign", cli({"unassign-destination", code, "2341234567890"}));
  expect_golden("vt_add_split", cli({"add-split", code, "SPL_HBaFCbbiyI"}));
  expect_golden("vt_remove_split", cli({"remove-split", code, "SPL_HBaFCbbiyI"}));
  auto again = cli({"remove-split", code, "SPL_HBaFCbbiyI"});
  EXPECT_EQ(again.exit_code, 1);
  expect_golden("vt_remove_split_again", again);
}

TEST_F(CliVirtualTerminal, usage_errors_exit_2_before_anything_is_sent) {
  // The base URL is a closed port: anything sent would exit 3.
  for (std::vector<std::string> args : {
           std::vector<std::string>{"create", "T"},            // no destination
           {"create", "T", "--destination", "2347081234567"},  // no ':NAME'
           {"create", "T", "--destination", "call-me:Front"},  // not a number
           {"create", "T", "--destination", "2347081234567:F", "--metadata", "[1]"},
           {"list", "--status", "gone"},
           {"list", "--page", "2", "--next", "c"},
           {"fetch"},
           {"update", "VT_1"},  // no --name
           {"assign-destination", "VT_1", "--destination", "12:x"},
           {"unassign-destination", "VT_1"},
           {"add-split", "VT_1"},
           {"frobnicate"},
           {},
       }) {
    auto r = cli(args, false);
    EXPECT_EQ(r.exit_code, 2) << testing::PrintToString(args) << "\n" << r.err;
  }
  expect_golden("vt_usage_bad_destination",
                cli({"create", "T", "--destination", "call-me:Front"}, false));
}

TEST_F(CliVirtualTerminal, help_lists_the_group_and_every_command_has_an_example) {
  for (const char* sub : {"create", "list", "fetch", "update", "deactivate", "assign-destination",
                          "unassign-destination", "add-split", "remove-split"}) {
    auto r = cli({sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub << r.err;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << sub << r.out;
  }
  auto top = cli_test::run(exe, {"--help"}, {"PATH=/usr/bin:/bin"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("Virtual Terminal:"), std::string::npos) << top.out;
  EXPECT_NE(top.out.find("virtual-terminal"), std::string::npos) << top.out;
}

}  // namespace
