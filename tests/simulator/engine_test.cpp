// The socket-free path (the one the fuzz target drives) and the small pieces under it.
#include "engine.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "http_server.hpp"
#include "sim_test_support.hpp"
#include "util.hpp"

namespace detail = paystack::sim::detail;
using namespace std::chrono_literals;

namespace {

paystack::sim::server_options opts() {
  paystack::sim::server_options o;
  o.secret_key = "sk_test_engine";
  o.delivery_delay = 0ms;
  o.auto_pay_delay = 0ms;
  return o;
}

TEST(FaultSpec, grammar) {
  std::optional<unsigned> times;
  auto p = detail::parse_fault_spec("status=503; times=2 ;delay_ms=5", &times);
  EXPECT_TRUE(p.error.empty());
  EXPECT_EQ(p.status, 503u);
  EXPECT_EQ(p.delay, 5ms);
  EXPECT_EQ(times, 2u);
  p = detail::parse_fault_spec("reset=after_read,truncate", nullptr);
  EXPECT_EQ(p.reset, detail::reset_mode::after_read);
  EXPECT_TRUE(p.truncate);
  EXPECT_TRUE(detail::parse_fault_spec("html502", nullptr).html502);
  EXPECT_EQ(detail::parse_fault_spec("trickle_ms=3", nullptr).trickle, 3ms);
  EXPECT_EQ(detail::parse_fault_spec("retry_after=7", nullptr).retry_after, 7u);
  for (const char* bad : {"status=99", "status=abc", "reset=maybe", "delay_ms=99999999", "nope",
                          "truncate=1", "trickle_ms=0"}) {
    EXPECT_FALSE(detail::parse_fault_spec(bad, nullptr).error.empty()) << bad;
  }
}

TEST(Util, base64_round_trip_and_query) {
  for (std::string s : {"", "a", "ab", "abc", "terminal:after:123"}) {
    EXPECT_EQ(detail::base64_decode(detail::base64_encode(s)), s);
  }
  EXPECT_FALSE(detail::base64_decode("abc").has_value());
  EXPECT_FALSE(detail::base64_decode("a=bc").has_value());
  EXPECT_EQ(detail::query_param("perPage=3&next=YQ%3D%3D", "next"), "YQ==");
  EXPECT_FALSE(detail::query_param("a=1", "b").has_value());
  EXPECT_EQ(detail::percent_decode("%4"), "%4");
}

TEST(Hmac, matches_an_independent_implementation) {
  EXPECT_EQ(detail::hmac_sha512_hex("sk_test_x", "{\"event\":\"x\"}"),
            simtest::hmac_sha512_hex("sk_test_x", "{\"event\":\"x\"}"));
  // RFC 4231 test case 2.
  EXPECT_EQ(
      detail::hmac_sha512_hex("Jefe", "what do ya want for nothing?"),
      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f6"
      "5f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

TEST(ProcessRaw, handles_pipelined_requests_without_sockets) {
  auto o = opts();
  detail::engine eng(o, {});
  std::string req =
      "GET /terminal HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_test_engine\r\n\r\n"
      "POST /paymentrequest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_test_engine\r\n"
      "Content-Length: 28\r\n\r\n{\"customer\":1,\"amount\":1000}";
  auto out = detail::process_raw(eng, o, req);
  EXPECT_EQ(out.find("HTTP/1.1 200 OK"), 0u);
  EXPECT_NE(out.find("Terminals retrieved successfully"), std::string::npos);
  EXPECT_NE(out.find("Payment request created"), std::string::npos);
  EXPECT_EQ(eng.webhook_log().size(), 1u);
}

TEST(ProcessRaw, garbage_never_throws) {
  auto o = opts();
  detail::engine eng(o, {});
  for (std::string junk :
       {std::string("\0\0\0", 3), std::string("GET / HTTP/1.1\r\n"),
        std::string("POST /terminal/X/event HTTP/1.1\r\nContent-Length: 2\r\n\r\n{"),
        std::string("GET /terminal HTTP/1.1\r\nx-sim-fault: reset=before_read\r\n\r\n")}) {
    EXPECT_NO_THROW(detail::process_raw(eng, o, junk));
  }
}

TEST(Engine, immediate_delivery_and_payment_without_threads) {
  auto o = opts();
  detail::engine eng(o, {});
  auto call = [&](std::string method, std::string target, std::string body) {
    detail::http_request r{std::move(method), std::move(target), "Bearer sk_test_engine",
                           "application/json", std::move(body)};
    return eng.handle(r, {});
  };
  auto created =
      boost::json::parse(call("POST", "/paymentrequest", R"({"customer":1,"amount":10})").body);
  auto id = created.at("data").at("id").as_int64();
  auto ref = std::string(created.at("data").at("offline_reference").as_string());
  auto terminal = eng.terminal_ids().at(0);
  auto pushed = call("POST", "/terminal/" + terminal + "/event",
                     R"({"type":"invoice","action":"process","data":{"id":)" + std::to_string(id) +
                         R"(,"reference":")" + ref + R"("}})");
  ASSERT_EQ(pushed.status, 200u);
  auto verify =
      boost::json::parse(call("GET", "/paymentrequest/verify/" + std::to_string(id), "").body);
  EXPECT_EQ(verify.at("data").at("status"), "success");
  auto log = eng.webhook_log();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[1].event, "charge.success");
  EXPECT_EQ(log[2].event, "paymentrequest.success");
  EXPECT_EQ(log[2].status, paystack::sim::webhook_status::skipped);
}

}  // namespace
