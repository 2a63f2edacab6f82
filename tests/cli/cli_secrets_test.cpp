// paystack-terminal never prints a secret key, also when CLI11 echoes the arguments of a usage
// error or a server reflects the Authorization header; and it never passes a server's terminal
// control characters (ANSI escapes, C1 controls) to the terminal.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "loopback_server.hpp"

namespace {

using cli_test::run_result;
using paystack::test::scripted_answer;
using paystack::test::served_request;

const std::string exe = PAYSTACK_TERMINAL_EXE;
constexpr const char* key = "sk_test_reflected_9c41e07b2d";

/// Neither stream holds `secret`, ESC, BEL, CSI (C1, as UTF-8) or CR.
void expect_clean(const run_result& r, const std::string& secret) {
  EXPECT_FALSE(r.timed_out);
  for (const std::string* text : {&r.out, &r.err}) {
    EXPECT_EQ(text->find(secret), std::string::npos) << "printed the secret: " << *text;
    for (const char* control : {"\x1b", "\x07", "\xc2\x9b", "\r"})
      EXPECT_EQ(text->find(control), std::string::npos) << "printed a control: " << *text;
  }
}

TEST(CliSecrets, usage_errors_never_echo_a_key) {
  struct usage {
    std::vector<std::string> args;
    std::string secret;
  };
  const std::vector<usage> cases{
      {{"--secret_key", "sk_test_usage_0001aaaa", "list"}, "sk_test_usage_0001aaaa"},
      {{"-k", "sk_live_usage_0002bbbb", "list"}, "sk_live_usage_0002bbbb"},
      {{"--key", "sk_test_usage_0003cccc", "list"}, "sk_test_usage_0003cccc"},
      {{"list", "sk_test_usage_0004dddd"}, "sk_test_usage_0004dddd"},  // a stray argument
      {{"status", "T1", "sk_live_usage_0005eeee"}, "sk_live_usage_0005eeee"},
      {{"-k", "no_prefix_value_0006", "list"}, "no_prefix_value_0006"},  // a key-like option
      {{"--key=no_prefix_0007", "list"}, "no_prefix_0007"},
      {{"list", "--api_key", "short8"}, "short8"},
  };
  const std::vector<std::string> env{"PATH=/usr/bin:/bin", "PAYSTACK_BASE_URL=http://127.0.0.1:1"};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args.front() + " " + c.args.at(1));
    auto r = cli_test::run(exe, c.args, env);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    expect_clean(r, c.secret);
    // The usage error is still there, with the secret replaced.
    EXPECT_NE(r.err.find("[redacted]"), std::string::npos) << r.err;
  }
}

/// A server that answers 401 with a message reflecting the Authorization header and carrying
/// terminal control sequences; /terminal/RAW gets a 502 HTML page with raw control bytes.
scripted_answer hostile(const served_request& req) {
  std::string auth;
  for (const auto& [name, value] : req.headers)
    if (name == "Authorization") auth = value;
  scripted_answer a;
  if (req.target == "/terminal/RAW") {
    a.status = 502;
    a.headers = {{"Content-Type", "text/html"}};
    a.body = "<html>\x1b[2J\x1b]0;owned\x07 " + auth +
             " \r\n\x9b"
             "31m</html>\r\n";
    return a;
  }
  a.status = 401;
  a.body = R"({"status":false,"message":"Invalid key )" + auth +
           R"( \u001b]0;owned\u0007\u001b[31mred\u009b2J","code":"invalid_Key",)"
           R"("type":"validation_error","meta":{"nextStep":"one\ntwo\r\u001b[1Athree"}})";
  return a;
}

TEST(CliSecrets, server_text_is_redacted_and_stripped_of_controls) {
  paystack::test::loopback_server server(hostile);
  const std::vector<std::string> env{"PATH=/usr/bin:/bin",
                                     std::string("PAYSTACK_SECRET_KEY=") + key,
                                     "PAYSTACK_BASE_URL=" + server.base_url()};
  auto r = cli_test::run(exe, {"fetch", "T1"}, env);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  expect_clean(r, key);
  EXPECT_NE(r.err.find("Invalid key Bearer [redacted] ]0;owned[31mred2J (HTTP 401"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("next step: one two [1Athree\n"), std::string::npos) << r.err;

  // --json prints the body as received, but on one line, redacted and without controls.
  r = cli_test::run(exe, {"--json", "fetch", "T1"}, env);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  expect_clean(r, key);
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << r.out;
  auto v = boost::json::parse(r.out).as_object();
  EXPECT_EQ(v.at("message").as_string().find(key), std::string::npos);

  r = cli_test::run(exe, {"--json", "--timeout", "20s", "fetch", "RAW"}, env);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  expect_clean(r, key);
  EXPECT_NE(r.out.find("<html>[2J]0;owned Bearer [redacted]   31m</html>"), std::string::npos)
      << r.out;
}

TEST(CliSecrets, verbose_and_successful_output_never_show_the_key_given_on_the_command_line) {
  paystack::test::loopback_server server(hostile);
  // The key given with --secret-key (not the environment) is redacted from server text too.
  auto r = cli_test::run(exe, {"-v", "--secret-key", key, "fetch", "T1"},
                         {"PATH=/usr/bin:/bin", "PAYSTACK_BASE_URL=" + server.base_url()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  expect_clean(r, key);
  EXPECT_NE(r.err.find("> GET /terminal/T1 -> 401"), std::string::npos) << r.err;
}

TEST(CliSecrets, json_logs_are_one_object_per_line_and_never_hold_the_key) {
  paystack::test::loopback_server server(hostile);
  const std::vector<std::string> env{"PATH=/usr/bin:/bin",
                                     std::string("PAYSTACK_SECRET_KEY=") + key,
                                     "PAYSTACK_BASE_URL=" + server.base_url()};
  // The presence check meets the hostile 401 (its message reflects the Authorization header).
  auto r = cli_test::run(
      exe, {"charge", "T1", "--amount", "5000", "--customer", "CUS_json", "--log-format", "json"},
      env);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  expect_clean(r, key);
  bool attempt = false, ended = false;
  std::size_t lines = 0;
  for (std::size_t at = 0, eol; at < r.err.size(); at = eol + 1) {
    eol = r.err.find('\n', at);
    ASSERT_NE(eol, std::string::npos) << "a line without its end: " << r.err.substr(at);
    const auto line = r.err.substr(at, eol - at);
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << "not JSON: " << line;
    ASSERT_TRUE(v.is_object()) << line;
    const auto& o = v.as_object();
    ++lines;
    for (const char* member : {"ts", "level", "msg"})
      EXPECT_TRUE(o.contains(member)) << member << " missing: " << line;
    for (const char* never : {"authorization", "token", "signature", "secret_key", "body"})
      EXPECT_FALSE(o.contains(never)) << line;
    if (o.contains("operation") && o.at("operation") == "fetch_terminal_status" &&
        o.contains("status") && o.at("status") == 401)
      attempt = true;
    if (o.at("msg") == "charge ended" && o.contains("terminal_id") && o.at("terminal_id") == "T1" &&
        o.contains("status") && o.at("status") == "failed")
      ended = true;
  }
  EXPECT_GE(lines, 2u) << r.err;
  EXPECT_TRUE(attempt) << "no attempt line with operation and status: " << r.err;
  EXPECT_TRUE(ended) << "no 'charge ended' line with terminal_id and status: " << r.err;
  EXPECT_NE(r.err.find("Bearer [redacted]"), std::string::npos) << r.err;
}

}  // namespace
