// `paystack-terminal charge` end to end when a step gets no reply (issue 11): exit code 3, the
// payment request's code printed once one exists, never a signal. A scripted loopback server
// plays Paystack with the official sample bodies and drops the chosen step's requests (closes
// the connection without answering, or never answers).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "loopback_server.hpp"
#include "samples.hpp"

namespace {

using paystack::test::loopback_server;
using paystack::test::scripted_answer;
using paystack::test::served_request;

constexpr const char* exe = PAYSTACK_TERMINAL_EXE;
constexpr const char* key = "sk_test_0b5e7a1d9c3f2e8a4d6b";
/// The request code of the official Create Payment Request sample.
constexpr const char* sample_code = "PRQ_1weqqsn2wwzgft8";

enum class drop { none, presence, create, push, push_stall, event_status };

scripted_answer ok(std::string body) {
  scripted_answer a;
  a.body = std::move(body);
  a.headers = {{"Content-Type", "application/json"}};
  return a;
}

/// Paystack as the samples show it, except that the `dropped` step never gets an answer.
loopback_server::script paystack_dropping(drop dropped) {
  return [dropped](const served_request& r) {
    const std::string& t = r.target;
    auto step = drop::none;
    if (t.find("/presence") != std::string::npos) step = drop::presence;
    if (r.method == "POST" && t.ends_with("/paymentrequest")) step = drop::create;
    if (r.method == "POST" && t.ends_with("/event")) step = drop::push;
    if (r.method == "GET" && t.find("/event/") != std::string::npos) step = drop::event_status;
    scripted_answer closed;
    closed.what = scripted_answer::kind::close;
    if (step == dropped || (dropped == drop::push_stall && step == drop::push)) {
      if (dropped == drop::push_stall) closed.what = scripted_answer::kind::stall;
      return closed;
    }
    using paystack::test::sample_body;
    switch (step) {
      case drop::presence:
        return ok(R"({"status":true,"message":"Terminal status retrieved",)"
                  R"("data":{"online":true,"available":true}})");
      case drop::create:
        return ok(sample_body("api/payment-requests/create", "200"));
      case drop::push:
        return ok(sample_body("api/terminal/send-event", "200"));
      case drop::event_status:
        return ok(sample_body("api/terminal/event-status", "200"));
      default:
        return ok(sample_body("api/payment-requests/verify", "200"));
    }
  };
}

cli_test::run_result charge(const std::string& base_url, bool json = false) {
  std::vector<std::string> args{"--base-url", base_url, "--timeout", "2s"};
  if (json) args.push_back("--json");
  for (const char* a : {"charge", "2872S934", "--amount", "5000", "--customer", "CUS_x"})
    args.emplace_back(a);
  auto r = cli_test::run(
      exe, args, {"PATH=/usr/bin:/bin", "LANG=C", std::string("PAYSTACK_SECRET_KEY=") + key});
  EXPECT_FALSE(r.timed_out);
  EXPECT_LT(r.exit_code, 128) << "killed by a signal:\n" << r.err;
  EXPECT_EQ(r.out.find(key), std::string::npos) << "the secret key was printed";
  EXPECT_EQ(r.err.find(key), std::string::npos) << "the secret key was printed";
  return r;
}

bool mentions_code(const cli_test::run_result& r) {
  return r.out.find(sample_code) != std::string::npos ||
         r.err.find(sample_code) != std::string::npos;
}

TEST(ChargeNoReply, refused_connection_is_exit3) {
  auto r = charge("http://127.0.0.1:1");  // nothing listens on port 1
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_FALSE(mentions_code(r)) << "nothing was created";
}

TEST(ChargeNoReply, presence_without_answer_is_exit3) {
  loopback_server paystack(paystack_dropping(drop::presence));
  auto r = charge(paystack.base_url());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_FALSE(mentions_code(r));
}

TEST(ChargeNoReply, create_without_answer_is_exit3) {
  loopback_server paystack(paystack_dropping(drop::create));
  auto r = charge(paystack.base_url());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  for (const auto& s : paystack.seen()) EXPECT_FALSE(s.target.ends_with("/event")) << "pushed";
}

TEST(ChargeNoReply, push_without_answer_is_exit3_and_names_the_request) {
  loopback_server paystack(paystack_dropping(drop::push));
  auto r = charge(paystack.base_url());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(mentions_code(r)) << "the request the customer may pay is printed:\n"
                                << r.out << r.err;
  int pushes = 0;
  for (const auto& s : paystack.seen())
    pushes += s.method == "POST" && s.target.ends_with("/event");
  EXPECT_EQ(pushes, 1) << "never pushed twice";
}

TEST(ChargeNoReply, push_timeout_is_exit3_and_names_the_request_in_json) {
  loopback_server paystack(paystack_dropping(drop::push_stall));
  auto r = charge(paystack.base_url(), true);
  paystack.release_stalled();
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  auto doc = boost::json::parse(r.out).as_object();
  EXPECT_EQ(doc.at("payment_request").at("request_code"), sample_code);
  EXPECT_EQ(doc.at("stage"), "pushing_event");
}

TEST(ChargeNoReply, delivery_polls_without_answer_are_exit3_with_the_event) {
  loopback_server paystack(paystack_dropping(drop::event_status));
  auto r = charge(paystack.base_url(), true);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  auto doc = boost::json::parse(r.out).as_object();
  EXPECT_EQ(doc.at("outcome"), "timed_out") << "delivery could not be checked";
  EXPECT_EQ(doc.at("payment_request").at("request_code"), sample_code);
  EXPECT_EQ(doc.at("event_id"), "616d721e8c5cd40a0cdd54a6");
}

}  // namespace
