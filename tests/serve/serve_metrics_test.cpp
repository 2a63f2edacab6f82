// The metrics a charge_service feeds (paystack/metrics.hpp, doc/operations.md), seen through
// metrics_server's GET /metrics and through metrics::scrape() (the one call of a C++ program):
// charges per outcome, their HTTP attempts by operation, presence polled into
// paystack_terminal_up and GET /v1/terminals, store timings, and forged webhooks counted.
#include <paystack/metrics.hpp>
#include <paystack/metrics_server.hpp>
#include <paystack/webhook_server.hpp>
#include <regex>

#include "serve_fixture.hpp"

namespace serve_test {
namespace {

/// The value of the series `line_start` (e.g. `name{a="b"}`) in `text`; -1 when absent.
double sample(const std::string& text, const std::string& line_start) {
  for (std::size_t at = 0; at < text.size();) {
    auto eol = text.find('\n', at);
    if (eol == std::string::npos) eol = text.size();
    if (text.compare(at, line_start.size(), line_start) == 0 && text[at + line_start.size()] == ' ')
      return std::stod(text.substr(at + line_start.size() + 1, eol - at - line_start.size() - 1));
    at = eol + 1;
  }
  return -1;
}

double value(const std::string& line_start) {
  return std::max(0.0, sample(paystack::metrics::scrape(), line_start));
}

TEST_F(ServeFixture, metrics_count_charges_attempts_and_presence) {
  const auto paid_before = value(R"(paystack_charges_total{outcome="paid"})");
  const auto pushes_before =
      value(R"(paystack_http_requests_total{operation="send_event",code="200"})");
  auto o = service_options();
  o.presence_interval = 100ms;
  auto& svc = start_service(o);
  paystack::metrics_server metrics(io_.io().get_executor(), {});
  metrics.start();

  ASSERT_EQ(
      http_call(svc.port(), "POST", "/v1/charges", charge_body("metrics-1", terminal())).status,
      202);
  auto doc = wait_finished(svc.port(), "metrics-1");
  ASSERT_EQ(doc.str("outcome"), "paid") << doc.body;

  auto r = http_exchange(metrics.port(), "GET", "/metrics", {}, std::nullopt);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(sample(r.body, R"(paystack_charges_total{outcome="paid"})"), paid_before + 1);
  EXPECT_EQ(sample(r.body, R"(paystack_http_requests_total{operation="send_event",code="200"})"),
            pushes_before + 1);
  EXPECT_GT(
      sample(
          r.body,
          R"(paystack_store_operation_duration_seconds_count{store="sqlite",operation="begin"})"),
      0);
  EXPECT_EQ(sample(r.body, "paystack_charges_in_flight"), 0);
  EXPECT_EQ(http_exchange(metrics.port(), "POST", "/metrics", "{}", std::nullopt).status, 405);
  EXPECT_EQ(http_exchange(metrics.port(), "GET", "/v1/charges", {}, std::nullopt).status, 404);

  // Presence, polled: a terminal taken offline turns 0 (bounded: 100 polls of 100 ms).
  const auto t = terminal(1);
  const std::string up = R"(paystack_terminal_up{terminal_id=")" + t + R"("})";
  sim_->set_presence(t, false, false);
  double seen = -1;
  for (int i = 0; i < 200 && seen != 0; ++i) {
    seen = sample(paystack::metrics::scrape(), up);
    if (seen != 0) std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(seen, 0);
  auto terminals = http_call(svc.port(), "GET", "/v1/terminals");
  ASSERT_EQ(terminals.status, 200) << terminals.body;
  bool found = false;
  for (const auto& v : terminals.obj().at("terminals").as_array()) {
    const auto& x = v.as_object();
    if (x.at("terminal_id") != t.c_str()) continue;
    found = true;
    ASSERT_TRUE(x.at("presence").is_object()) << terminals.body;
    EXPECT_FALSE(x.at("presence").as_object().at("online").as_bool()) << terminals.body;
  }
  EXPECT_TRUE(found) << terminals.body;
  EXPECT_GT(value(R"(paystack_terminal_last_seen_timestamp_seconds{terminal_id=")" + terminal() +
                  R"("})"),
            1.6e9);
  metrics.stop();
}

TEST(ServeMetrics, forged_webhooks_are_counted_as_bad_signature_and_labels_stay_bounded) {
  flow_test::io_thread io;
  paystack::webhook_server_options wo;
  wo.secret_key = "sk_test_forged_metrics_1";
  paystack::webhook_server hooks(io.io().get_executor(), wo);
  hooks.start();
  const std::string forged = R"(paystack_webhooks_total{event="unknown",result="bad_signature"})";
  const auto before = value(forged);
  const std::string body =
      R"({"event":"charge.success-ATTACKER-CHOSEN-9q8w7e","data":{"reference":"R-123456789"}})";
  std::string req =
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "x-paystack-signature: 00\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  flow_test::raw_connection c(hooks.port(), 10s);
  c.send(req);
  c.read_to_end();
  EXPECT_EQ(parse_reply(c.received()).status, 401);
  EXPECT_EQ(value(forged), before + 1);
  // Nothing the sender chose became a label value.
  const auto text = paystack::metrics::scrape();
  EXPECT_EQ(text.find("ATTACKER"), std::string::npos);
  EXPECT_EQ(text.find("R-123456789"), std::string::npos);
  hooks.stop();
  EXPECT_TRUE(io.stop());
}

}  // namespace
}  // namespace serve_test
