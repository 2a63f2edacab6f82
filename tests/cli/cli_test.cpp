// paystack-terminal end to end: every subcommand against an embedded simulator, in both output
// modes, compared with golden files (tests/cli/golden; UPDATE_GOLDEN=1 rewrites them), plus the
// exit codes, usage errors refused before anything is sent, Ctrl-C, and the key never printed.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <cstdlib>
#include <fstream>
#include <paystack/sim/server.hpp>
#include <paystack/webhook.hpp>
#include <regex>
#include <sstream>

#include "cli_runner.hpp"
#include "golden.hpp"
#include "raw_http.hpp"

using namespace std::chrono_literals;
using cli_test::expect_golden;
using cli_test::read_file;
using cli_test::run_result;

namespace {

constexpr const char* key = "sk_test_cli_golden_5f0c2a9e71";
const std::string exe = PAYSTACK_TERMINAL_EXE;
using cli_test::expect_golden;
using cli_test::normalise;
using cli_test::read_file;

/// POSTs `body` to a webhook URL (http://127.0.0.1:PORT/...) and returns the status code.
int post_webhook(const std::string& url, const std::string& body, const std::string& signature) {
  std::smatch m;
  if (!std::regex_search(url, m, std::regex(R"(http://127\.0\.0\.1:(\d+)(/\S*))"))) return -1;
  const auto port = static_cast<std::uint16_t>(std::stoi(m[1]));
  const auto a =
      paystack::test::raw_http(port, paystack::test::webhook_request(body, signature, m[2]));
  return a.status != 0 ? a.status : -1;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { start_sim({}); }

  void start_sim(std::function<void(paystack::sim::server_options&)> tweak) {
    if (sim_) sim_->stop();
    paystack::sim::server_options o;
    o.secret_key = key;
    o.seed = 7;
    o.delivery_delay = 100ms;
    o.auto_pay_delay = 300ms;
    if (tweak) tweak(o);
    sim_ = std::make_unique<paystack::sim::server>(o);
    sim_->start();
    terminal_ = sim_->terminal_ids().at(0);
  }

  std::vector<std::string> env(bool with_key = true, bool with_url = true) const {
    std::vector<std::string> e{"PATH=/usr/bin:/bin", "LANG=C"};
    if (with_key) e.push_back(std::string("PAYSTACK_SECRET_KEY=") + key);
    if (with_url) e.push_back("PAYSTACK_BASE_URL=" + sim_->base_url());
    return e;
  }

  run_result cli(const std::vector<std::string>& args) const {
    auto r = cli_test::run(exe, args, env());
    check_no_key(r);
    return r;
  }

  static void check_no_key(const run_result& r) {
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.out.find(key), std::string::npos) << "the secret key was printed";
    EXPECT_EQ(r.err.find(key), std::string::npos) << "the secret key was printed";
  }

  std::unique_ptr<paystack::sim::server> sim_;
  std::string terminal_;
};

}  // namespace

// ---- help and usage ------------------------------------------------------------------------

TEST_F(Cli, every_command_has_help_with_an_example) {
  for (std::vector<std::string> args : {std::vector<std::string>{"commission"},
                                        {"decommission"},
                                        {"list"},
                                        {"fetch"},
                                        {"status"},
                                        {"update"},
                                        {"send-event"},
                                        {"event-status"},
                                        {"charge"},
                                        {"sim"},
                                        {"demo"},
                                        {"webhooks", "listen"}}) {
    SCOPED_TRACE(args.front());
    args.push_back("--help");
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << r.out;
  }
  auto top = cli({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("Exit codes"), std::string::npos);
}

TEST_F(Cli, usage_errors_exit2_before_anything_is_sent) {
  // The base URL points at a closed port: anything sent would end in exit code 3, not 2.
  const std::vector<std::string> closed{"--base-url", "http://127.0.0.1:1"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), closed.begin(), closed.end());
    return cli(args);
  };
  auto r = with({"send-event", terminal_, "--type", "invoice", "--action", "print", "--id", "1",
                 "--reference", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("Paystack does not accept invoice + print"), std::string::npos) << r.err;
  r = with({"send-event", terminal_, "--type", "transaction", "--action", "view", "--id", "1"});
  EXPECT_EQ(r.exit_code, 2);
  r = with({"send-event", terminal_, "--type", "invoice", "--action", "process", "--id", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--reference"), std::string::npos) << r.err;
  r = with({"send-event", terminal_, "--type", "transaction", "--action", "print", "--id", "0"});
  EXPECT_EQ(r.exit_code, 2);
  r = with({"update", terminal_});
  EXPECT_EQ(r.exit_code, 2);
  r = with({"charge", terminal_, "--amount", "5000"});
  EXPECT_EQ(r.exit_code, 2) << "--customer is required";
  r = with({"charge", terminal_, "--amount", "-5", "--customer", "CUS_x"});
  EXPECT_EQ(r.exit_code, 2);
  r = with({"list", "--per-page", "0"});
  EXPECT_EQ(r.exit_code, 2);
  r = with({"--timeout", "banana", "list"});
  EXPECT_EQ(r.exit_code, 2);
  r = with({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  r = with({});
  EXPECT_EQ(r.exit_code, 2);
  expect_golden("usage_bad_pair", with({"send-event", terminal_, "--type", "invoice", "--action",
                                        "print", "--id", "1", "--reference", "x"}));
}

TEST_F(Cli, configuration_errors_explain_themselves) {
  auto r = cli_test::run(exe, {"list"}, env(false, false));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("PAYSTACK_SECRET_KEY"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("paystack-terminal demo"), std::string::npos) << r.err;
  expect_golden("no_key", r);
  r = cli({"--secret-key", "pk_test_public", "list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.find("pk_test_public"), std::string::npos) << "a wrong key is never echoed";
  r = cli({"--base-url", "http://api.example.com", "list"});
  EXPECT_EQ(r.exit_code, 2) << "plain http to a non-loopback host is refused";
  r = cli({"--base-url", "not a url", "list"});
  EXPECT_EQ(r.exit_code, 2);
  r = cli({"--secret-key", "sk_test_has space", "list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the secret key contains spaces"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("has space"), std::string::npos) << "the key is never echoed";
}

// ---- exit codes 1 and 3 ----------------------------------------------------------------------

TEST_F(Cli, api_refusal_is_exit1_with_paystacks_message) {
  auto r = cli({"fetch", "NOPE1234"});
  EXPECT_EQ(r.exit_code, 1);
  expect_golden("fetch_unknown", r);
  r = cli({"--json", "fetch", "NOPE1234"});
  EXPECT_EQ(r.exit_code, 1);
  expect_golden("fetch_unknown_json", r);
  r = cli_test::run(exe, {"--secret-key", "sk_test_wrong_key_000", "list"}, env(false, true));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Invalid key"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("sk_test_wrong_key_000"), std::string::npos);
}

TEST_F(Cli, network_failure_is_exit3) {
  auto r = cli({"--base-url", "http://127.0.0.1:1", "--timeout", "5s", "status", terminal_});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_FALSE(r.err.empty());
  EXPECT_TRUE(r.out.empty());
}

// ---- one golden file per command and mode ----------------------------------------------------

TEST_F(Cli, list_in_both_modes_and_with_cursors) {
  expect_golden("list", cli({"list"}));
  expect_golden("list_json", cli({"--json", "list"}));
  auto first = cli({"list", "--per-page", "2"});
  expect_golden("list_page1", first);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(first.out, m, std::regex(R"(--next (\S+))"))) << first.out;
  auto second = cli({"list", "--per-page", "2", "--next", m[1].str()});
  EXPECT_EQ(second.exit_code, 0);
  expect_golden("list_page2", second);
  expect_golden("list_all_limit", cli({"list", "--all", "--per-page", "1", "--limit", "2"}));
  auto lines = cli({"--json", "list", "--all", "--per-page", "2"});
  expect_golden("list_all_json", lines);
  std::istringstream in(lines.out);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line); ++n) {
    auto v = boost::json::parse(line);  // JSON Lines: one terminal per line
    EXPECT_TRUE(v.as_object().contains("terminal_id"));
  }
  EXPECT_EQ(n, 3u);
}

TEST_F(Cli, fetch_status_update) {
  expect_golden("fetch", cli({"fetch", terminal_}));
  expect_golden("fetch_json", cli({"--json", "fetch", terminal_}));
  expect_golden("status", cli({"status", terminal_}));
  expect_golden("status_json", cli({"--json", "status", terminal_}));
  ASSERT_EQ(sim_->set_presence(terminal_, true, false), paystack::sim::control_result::ok);
  expect_golden("status_busy", cli({"status", terminal_}));
  expect_golden("update", cli({"update", terminal_, "--name", "Front desk", "--address",
                               "12 Allen Ave, Ikeja"}));
  auto after = cli({"fetch", terminal_});
  EXPECT_NE(after.out.find("Front desk"), std::string::npos) << after.out;
  expect_golden("update_json", cli({"--json", "update", terminal_, "--name", "Back office"}));
}

TEST_F(Cli, commission_and_decommission) {
  const auto serial = sim_->device_serials().at(0);
  expect_golden("commission", cli({"commission", serial}));
  expect_golden("commission_again", cli({"commission", serial}));  // 200 status:false -> 1
  expect_golden("decommission_json", cli({"--json", "decommission", serial}));
  expect_golden("decommission_unknown", cli({"decommission", "NO_SUCH_SERIAL"}));
}

TEST_F(Cli, send_event_and_event_status) {
  auto r = cli({"send-event", terminal_, "--type", "transaction", "--action", "print", "--id",
                "1504248187"});
  expect_golden("send_event", r);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(event id:\s+([0-9a-f]{24}))"))) << r.out;
  const std::string event_id = m[1];
  // Wait for the simulated device (100 ms) through the command itself, bounded.
  run_result st;
  for (int i = 0; i < 50; ++i) {
    st = cli({"event-status", terminal_, event_id});
    if (st.out.find("delivered:   yes") != std::string::npos) break;
  }
  expect_golden("event_status", st);
  expect_golden("event_status_json", cli({"--json", "event-status", terminal_, event_id}));
  expect_golden("event_status_unknown",
                cli({"event-status", terminal_, "ffffffffffffffffffffffff"}));
  auto json = cli({"--json", "send-event", terminal_, "--type", "transaction", "--action",
                   "process", "--id", "42"});
  EXPECT_EQ(json.exit_code, 0);
  expect_golden("send_event_json", json);
}

// ---- charge, demo, webhooks ------------------------------------------------------------------

TEST_F(Cli, charge_paid) {
  auto r = cli({"charge", terminal_, "--amount", "5000", "--customer", "CUS_cli0000001",
                "--description", "golden"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  expect_golden("charge_paid", r, /*with_stderr=*/false);  // progress lines depend on timing
  EXPECT_NE(r.err.find("creating the payment request"), std::string::npos) << r.err;
  auto j = cli({"--json", "charge", terminal_, "--amount", "250", "--currency", "ghs", "--customer",
                "CUS_cli0000001"});
  EXPECT_EQ(j.exit_code, 0) << j.err;
  auto v = boost::json::parse(j.out).as_object();
  EXPECT_EQ(v.at("outcome").as_string(), "paid");
  EXPECT_EQ(v.at("payment_request").as_object().at("currency").as_string(), "GHS");
  EXPECT_EQ(v.at("delivered").as_bool(), true);
}

TEST_F(Cli, charge_refused_when_offline) {
  ASSERT_EQ(sim_->set_presence(terminal_, false, false), paystack::sim::control_result::ok);
  auto r = cli({"charge", terminal_, "--amount", "5000", "--customer", "CUS_cli0000001"});
  EXPECT_EQ(r.exit_code, 1);
  expect_golden("charge_offline", r, false);
}

TEST_F(Cli, charge_ctrl_c_cancels_cleanly) {
  start_sim([](auto& o) { o.delivery_delay.reset(); });  // the device never picks it up
  cli_test::child c(exe, {"charge", terminal_, "--amount", "5000", "--customer", "CUS_c"}, env());
  ASSERT_TRUE(c.wait_for_stderr("waiting for the terminal", 20s)) << c.err();
  c.signal(SIGINT);
  auto r = c.finish(20s);
  check_no_key(r);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.out.find("CANCELLED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Verify Payment Request"), std::string::npos)
      << "a pushed request is reported for reconciliation: " << r.out;
}

TEST_F(Cli, verbose_logs_requests_but_never_the_key) {
  auto r = cli({"--verbose", "--secret-key", key, "status", terminal_});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find("> GET /terminal/" + terminal_ + "/presence -> 200 (attempt 1"),
            std::string::npos)
      << r.err;
  auto c = cli({"-v", "charge", terminal_, "--amount", "100", "--customer", "CUS_v"});
  EXPECT_EQ(c.exit_code, 0);
  EXPECT_NE(c.err.find("> POST /paymentrequest -> 200"), std::string::npos) << c.err;
  EXPECT_EQ(c.err.find("Bearer"), std::string::npos);
}

TEST_F(Cli, demo_runs_the_whole_flow) {
  auto r = cli_test::run(exe, {"demo"}, {"PATH=/usr/bin:/bin"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* s : {"GET /terminal", "PAID", "charge.success", "paymentrequest.success",
                        "Done: the customer paid."}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << " missing from:\n" << r.out;
  }
  // Progress lines (how many polls) and who decided (the verify that charge.success triggers
  // races paymentrequest.success) depend on timing: the rest is compared.
  run_result stable = r;
  stable.out = std::regex_replace(stable.out, std::regex(R"(\n +[0-9.]+s  [^\n]*)"), "");
  stable.out = std::regex_replace(stable.out, std::regex(R"(decided by: +\w+)"), "decided by: -");
  stable.out = std::regex_replace(stable.out, std::regex(R"(PAID: paid \([^)]*\))"), "PAID: paid");
  expect_golden("demo", stable, false);
  auto d = cli_test::run(exe, {"demo", "--decline"}, {"PATH=/usr/bin:/bin"});
  EXPECT_EQ(d.exit_code, 1) << d.err;
  EXPECT_NE(d.out.find("DECLINED"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("invoice.payment_failed"), std::string::npos) << d.out;
}

TEST_F(Cli, demo_ui_leaves_the_customer_to_the_live_page) {
  // Nobody acts on the page: no auto-pay, the charge ends at its deadline, unpaid.
  auto r = cli_test::run(exe, {"demo", "--ui", "--timeout", "2s"}, {"PATH=/usr/bin:/bin"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(Live page: http://127\.0\.0\.1:\d+/_sim/ui)")))
      << r.out;
  EXPECT_NE(r.out.find("TIMED OUT"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Done: the customer did not pay."), std::string::npos) << r.out;
  auto both = cli_test::run(exe, {"demo", "--ui", "--decline"}, {"PATH=/usr/bin:/bin"});
  EXPECT_EQ(both.exit_code, 2) << both.err;
}

TEST_F(Cli, webhooks_listen_prints_verified_events) {
  for (bool json : {false, true}) {
    SCOPED_TRACE(json ? "json" : "human");
    std::vector<std::string> args{"webhooks", "listen", "--port", "0",
                                  "--count",  "1",      "--path", "/hook"};
    if (json) args.insert(args.begin(), "--json");
    cli_test::child c(exe, args, env(true, false));
    ASSERT_TRUE(c.wait_for_stderr("(signatures checked", 20s)) << c.err();
    std::smatch m;
    const std::string err = c.err();
    ASSERT_TRUE(std::regex_search(err, m, std::regex(R"(http://127\.0\.0\.1:\d+/hook)"))) << err;
    const std::string url = m[0];
    const std::string body = read_file(std::string(PAYSTACK_SAMPLES_DIR) +
                                       "/guides/terminal/invoices/events/"
                                       "payment-request-successful.json");
    EXPECT_EQ(post_webhook(url, body, paystack::sign_webhook_payload(body, "sk_test_forger")), 401);
    EXPECT_EQ(post_webhook(url, body, paystack::sign_webhook_payload(body, key)), 200);
    auto r = c.finish(20s);
    check_no_key(r);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("1 events, 0 duplicates dropped, 1 bad signatures refused"),
              std::string::npos)
        << r.err;
    if (json) {
      EXPECT_EQ(boost::json::parse(r.out), boost::json::parse(body));
    } else {
      EXPECT_NE(r.out.find("paymentrequest.success  PRQ_"), std::string::npos) << r.out;
    }
  }
  auto nokey = cli_test::run(exe, {"webhooks", "listen", "--port", "0"}, env(false, false));
  EXPECT_EQ(nokey.exit_code, 2);
}

TEST_F(Cli, webhooks_listen_json_prints_one_line_per_event) {
  cli_test::child c(exe, {"--json", "webhooks", "listen", "--port", "0", "--count", "2"},
                    env(true, false));
  ASSERT_TRUE(c.wait_for_stderr("(signatures checked", 20s)) << c.err();
  std::smatch m;
  const std::string err = c.err();
  ASSERT_TRUE(std::regex_search(err, m, std::regex(R"(http://127\.0\.0\.1:\d+/)"))) << err;
  const std::string url = m[0];
  // Pretty-printed bodies, one with LF and one with CRLF line breaks.
  const std::string dir = std::string(PAYSTACK_SAMPLES_DIR) + "/guides/terminal/";
  const std::string first = read_file(dir + "invoices/events/payment-request-successful.json");
  const std::string second = std::regex_replace(
      read_file(dir + "deferred/events/transaction-successful.json"), std::regex("\n"), "\r\n");
  ASSERT_NE(first.find('\n'), first.rfind('\n')) << "the sample is on one line already";
  EXPECT_EQ(post_webhook(url, first, paystack::sign_webhook_payload(first, key)), 200);
  EXPECT_EQ(post_webhook(url, second, paystack::sign_webhook_payload(second, key)), 200);
  auto r = c.finish(20s);
  check_no_key(r);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0].find('\r'), std::string::npos);
  EXPECT_EQ(lines[1].find('\r'), std::string::npos);
  EXPECT_EQ(boost::json::parse(lines[0]), boost::json::parse(first));
  EXPECT_EQ(boost::json::parse(lines[1]), boost::json::parse(second));
}
