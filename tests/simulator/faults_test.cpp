// Scripted faults: x-sim-fault / x-sim-fault-id headers and plans registered through /_sim/faults.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "paystack/sim/server.hpp"
#include "sim_test_support.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* key = "sk_test_faults_abcdef";

class Faults : public ::testing::Test {
 protected:
  void SetUp() override {
    paystack::sim::server_options o;
    o.secret_key = key;
    sim_ = std::make_unique<paystack::sim::server>(o);
    sim_->start();
    client_ = std::make_unique<simtest::http_client>(sim_->port(), key);
    terminal_ = sim_->terminal_ids().at(0);
  }
  void TearDown() override {
    client_.reset();
    sim_->stop();
  }

  std::string raw_get(const std::string& target, const std::string& extra_headers) {
    return "GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n" +
           extra_headers + "\r\n";
  }

  std::string raw_put_name(const std::string& name, const std::string& fault) {
    auto body = R"({"name":")" + name + R"("})";
    return "PUT /terminal/" + terminal_ + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nx-sim-fault: " + fault + "\r\n\r\n" + body;
  }

  std::string name_now() {
    return std::string(
        client_->get("/terminal/" + terminal_).json().at("data").at("name").as_string());
  }

  std::unique_ptr<paystack::sim::server> sim_;
  std::unique_ptr<simtest::http_client> client_;
  std::string terminal_;
};

TEST_F(Faults, five_hundred_twice_then_success) {
  simtest::headers h{{"x-sim-fault", "status=503;times=2"}, {"x-sim-fault-id", "t1"}};
  auto r1 = client_->get("/terminal", h);
  auto r2 = client_->get("/terminal", h);
  auto r3 = client_->get("/terminal", h);
  EXPECT_EQ(r1.status, 503u);
  EXPECT_EQ(r2.status, 503u);
  EXPECT_EQ(r3.status, 200u);
  EXPECT_EQ(r1.json().at("status"), false);
  EXPECT_EQ(r1.json().at("type"), "api_error");
  // Another fault id has its own counter.
  EXPECT_EQ(
      client_->get("/terminal", {{"x-sim-fault", "status=500;times=1"}, {"x-sim-fault-id", "t2"}})
          .status,
      500u);
  EXPECT_EQ(client_->get("/terminal", h).status, 200u);
  // Without an id the fault applies every time.
  EXPECT_EQ(client_->get("/terminal", {{"x-sim-fault", "status=502"}}).status, 502u);
  EXPECT_EQ(client_->get("/terminal", {{"x-sim-fault", "status=502"}}).status, 502u);
}

TEST_F(Faults, too_many_requests_with_retry_after_then_success) {
  simtest::headers h{{"x-sim-fault", "retry_after=1;times=1"}, {"x-sim-fault-id", "rl"}};
  auto r = client_->get("/terminal", h);
  EXPECT_EQ(r.status, 429u);
  EXPECT_EQ(r.header("retry-after"), "1");
  EXPECT_EQ(r.header("x-ratelimit-remaining"), "0");
  EXPECT_EQ(r.header("x-ratelimit-reset"), "1");
  EXPECT_FALSE(r.header("x-ratelimit-limit").empty());
  EXPECT_EQ(r.json().at("message"), "Rate limit exceeded!");
  EXPECT_EQ(r.json().at("code"), "rate_limited");
  EXPECT_EQ(client_->get("/terminal", h).status, 200u);
}

TEST_F(Faults, plans_registered_through_the_control_api) {
  auto r = client_->post("/_sim/faults", R"({"id":"plan-a","fault":"status=503","times":2})");
  ASSERT_EQ(r.status, 200u);
  simtest::headers h{{"x-sim-fault-id", "plan-a"}};
  EXPECT_EQ(client_->get("/terminal", h).status, 503u);
  EXPECT_EQ(client_->get("/terminal", h).status, 503u);
  EXPECT_EQ(client_->get("/terminal", h).status, 200u);
  EXPECT_EQ(client_->post("/_sim/faults", R"({"id":"x","fault":"bogus=1"})").status, 400u);

  sim_->add_fault("plan-b", "retry_after=2", 1);
  auto limited = client_->get("/terminal", {{"x-sim-fault-id", "plan-b"}});
  EXPECT_EQ(limited.status, 429u);
  EXPECT_EQ(limited.header("retry-after"), "2");
  EXPECT_EQ(client_->get("/terminal", {{"x-sim-fault-id", "plan-b"}}).status, 200u);
  EXPECT_THROW(sim_->add_fault("bad", "reset=sometimes", 1), std::invalid_argument);
}

TEST_F(Faults, malformed_spec_is400) {
  auto r = client_->get("/terminal", {{"x-sim-fault", "explode"}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_NE(r.json().at("message").as_string().find("x-sim-fault"), json::string::npos);
}

TEST_F(Faults, delay) {
  auto start = std::chrono::steady_clock::now();
  auto r = client_->get("/terminal", {{"x-sim-fault", "delay_ms=150"}});
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 200u);
  EXPECT_GE(elapsed, 150ms);
}

TEST_F(Faults, reset_before_read_does_not_touch_state) {
  auto before = name_now();
  auto res = simtest::raw_exchange(sim_->port(), raw_put_name("Changed", "reset=before_read"), 5s);
  EXPECT_TRUE(res.data.empty());
  EXPECT_TRUE(res.reset || res.eof);
  EXPECT_FALSE(res.timed_out);
  EXPECT_EQ(name_now(), before);
}

TEST_F(Faults, reset_after_read_applies_the_request_but_loses_the_answer) {
  auto res = simtest::raw_exchange(sim_->port(), raw_put_name("Applied", "reset=after_read"), 5s);
  EXPECT_TRUE(res.data.empty());
  EXPECT_TRUE(res.reset || res.eof);
  EXPECT_FALSE(res.timed_out);
  EXPECT_EQ(name_now(), "Applied");
}

TEST_F(Faults, truncated_body) {
  auto res =
      simtest::raw_exchange(sim_->port(), raw_get("/terminal", "x-sim-fault: truncate\r\n"), 5s);
  EXPECT_FALSE(res.timed_out);
  auto header_end = res.data.find("\r\n\r\n");
  ASSERT_NE(header_end, std::string::npos);
  auto cl = res.data.find("Content-Length: ");
  ASSERT_NE(cl, std::string::npos);
  auto length = std::stoul(res.data.substr(cl + 16));
  auto body = res.data.substr(header_end + 4);
  EXPECT_GT(length, 0u);
  EXPECT_LT(body.size(), length);
  EXPECT_THROW(boost::json::parse(body), std::exception);
}

TEST_F(Faults, html_bad_gateway) {
  auto r = client_->get("/terminal", {{"x-sim-fault", "html502"}});
  EXPECT_EQ(r.status, 502u);
  EXPECT_EQ(r.header("content-type"), "text/html");
  EXPECT_NE(r.body.find("502 Bad Gateway"), std::string::npos);
  EXPECT_THROW(r.json(), std::exception);
  EXPECT_EQ(client_->get("/terminal").status, 200u);  // the connection survives
}

TEST_F(Faults, slow_trickle) {
  auto res = simtest::raw_exchange(
      sim_->port(), raw_get("/terminal", "x-sim-fault: trickle_ms=2\r\nConnection: close\r\n"),
      10s);
  EXPECT_FALSE(res.timed_out);
  EXPECT_GT(res.arrivals.size(), 5u);  // many small writes
  auto body = res.data.substr(res.data.find("\r\n\r\n") + 4);
  auto parsed = boost::json::parse(body);
  EXPECT_EQ(parsed.at("message"), "Terminals retrieved successfully");
  EXPECT_GE(res.arrivals.back() - res.arrivals.front(), 10ms);
}

TEST_F(Faults, faults_apply_before_authentication) {
  // Infrastructure failures come before the API sees the request.
  simtest::http_client anonymous(sim_->port());
  EXPECT_EQ(anonymous.get("/terminal", {{"x-sim-fault", "status=503"}}).status, 503u);
}

}  // namespace
