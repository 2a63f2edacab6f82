// Byte bounds of the simulated state: field sizes, the device cap, the payment request store,
// and the rule that no answer carries ill-formed UTF-8 (issue 11).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "limits.hpp"
#include "paystack/sim/server.hpp"
#include "sim_test_support.hpp"

namespace json = boost::json;

namespace {

constexpr const char* key = "sk_test_bounds_11";

paystack::sim::server_options options() {
  paystack::sim::server_options o;
  o.secret_key = key;
  o.delivery_delay.reset();
  o.auto_pay_delay.reset();
  return o;
}

std::string request_with(const std::string& members) {
  return R"({"customer":"CUS_bounds","amount":500)" + members + "}";
}

/// A 400 in the Paystack envelope whose message names `field`.
void expect_refused(const simtest::reply& r, const std::string& field) {
  EXPECT_EQ(r.status, 400u) << r.body;
  auto v = r.json();
  EXPECT_EQ(v.at("status"), false);
  EXPECT_NE(std::string(v.at("message").as_string()).find(field), std::string::npos) << r.body;
}

TEST(Bounds, payment_request_fields_are_capped) {
  paystack::sim::server sim(options());
  sim.start();
  simtest::http_client api(sim.port(), key);
  auto at_most = [](std::size_t n) { return std::string(n, 'd'); };

  EXPECT_EQ(api.post("/paymentrequest", request_with(R"(,"description":")" + at_most(2048) + "\""))
                .status,
            200u);
  expect_refused(
      api.post("/paymentrequest", request_with(R"(,"description":")" + at_most(2049) + "\"")),
      "description");
  expect_refused(api.post("/paymentrequest", request_with(R"(,"line_items":[{"name":")" +
                                                          at_most(257) + R"(","amount":100}])")),
                 "line_items.name");
  expect_refused(api.post("/paymentrequest", request_with(R"(,"tax":[{"name":")" + at_most(257) +
                                                          R"(","amount":100}])")),
                 "tax.name");
  // Items are stored as sent, extra members included: their total is bounded too.
  std::string items;
  for (int i = 0; i < 60; ++i) {
    items += std::string(i ? "," : "") + R"({"name":"i","amount":1,"x":")" + at_most(150) + "\"}";
  }
  expect_refused(api.post("/paymentrequest", request_with(R"(,"line_items":[)" + items + "]")),
                 "line_items");
  expect_refused(
      api.post("/paymentrequest", request_with(R"(,"metadata":{"m":")" + at_most(5000) + "\"}")),
      "metadata");
  expect_refused(api.post("/paymentrequest", request_with(R"(,"due_date":")" + at_most(65) + "\"")),
                 "due_date");
  expect_refused(
      api.post("/paymentrequest", R"({"customer":")" + at_most(129) + R"(","amount":500})"),
      "customer");
}

TEST(Bounds, names_and_ids_are_capped) {
  paystack::sim::server sim(options());
  sim.start();
  simtest::http_client api(sim.port(), key);
  simtest::http_client control(sim.port());
  auto terminal = sim.terminal_ids().front();
  auto big = [](std::size_t n) { return std::string(n, 'n'); };

  EXPECT_EQ(api.put("/terminal/" + terminal, R"({"name":")" + big(256) + "\"}").status, 200u);
  expect_refused(api.put("/terminal/" + terminal, R"({"name":")" + big(257) + "\"}"), "name");
  expect_refused(api.put("/terminal/" + terminal, R"({"address":")" + big(257) + "\"}"), "address");
  expect_refused(control.post("/_sim/terminals", R"({"name":")" + big(257) + "\"}"), "name");
  expect_refused(control.post("/_sim/devices", R"({"serial_number":")" + big(65) + "\"}"),
                 "serial_number");
  expect_refused(
      control.post("/_sim/faults", R"({"id":")" + big(129) + R"(","fault":"status=503"})"), "id");
  auto r =
      api.get("/terminal", {{"x-sim-fault", "status=503;times=1"}, {"x-sim-fault-id", big(129)}});
  expect_refused(r, "x-sim-fault-id");
}

TEST(Bounds, devices_are_capped) {
  auto o = options();
  o.max_devices = 7;  // 3 terminals and 2 devices are seeded
  paystack::sim::server sim(o);
  sim.start();
  simtest::http_client control(sim.port());
  EXPECT_EQ(control.post("/_sim/terminals", "{}").status, 200u);
  EXPECT_EQ(control.post("/_sim/devices", "{}").status, 200u);
  auto refused = control.post("/_sim/terminals", "{}");
  EXPECT_EQ(refused.status, 409u);
  EXPECT_EQ(refused.json().at("status"), false);
  EXPECT_NE(refused.body.find("limit"), std::string::npos);
  EXPECT_EQ(control.post("/_sim/devices", "{}").status, 409u);
  EXPECT_EQ(sim.add_terminal("over"), "");
  EXPECT_EQ(sim.add_device(), "");
  EXPECT_EQ(sim.terminal_ids().size(), 4u);
  EXPECT_EQ(control.get("/_sim/stats").json().at("data").at("max_devices"), 7);
  sim.reset();
  EXPECT_FALSE(sim.add_terminal("after reset").empty());
}

TEST(Bounds, stored_payment_requests_are_bounded_in_bytes) {
  auto o = options();
  o.max_payment_request_bytes = 64 * 1024;
  paystack::sim::server sim(o);
  sim.start();
  simtest::http_client api(sim.port(), key);
  simtest::http_client control(sim.port());
  std::vector<std::string> codes;
  for (int i = 0; i < 100; ++i) {
    auto r = api.post("/paymentrequest",
                      request_with(R"(,"description":")" + std::string(2000, 'x') + "\""));
    ASSERT_EQ(r.status, 200u) << r.body;
    codes.emplace_back(r.json().at("data").at("request_code").as_string());
  }
  auto stats = control.get("/_sim/stats").json().at("data").at("payment_requests");
  EXPECT_LE(stats.at("bytes").to_number<std::int64_t>(), 64 * 1024);
  EXPECT_GT(stats.at("dropped").to_number<std::int64_t>(), 0);
  EXPECT_EQ(
      stats.at("count").to_number<std::int64_t>() + stats.at("dropped").to_number<std::int64_t>(),
      100);
  EXPECT_EQ(api.get("/paymentrequest/" + codes.front()).status, 404u);  // the oldest went
  EXPECT_EQ(api.get("/paymentrequest/" + codes.back()).status, 200u);
}

TEST(Bounds, invalid_utf8_is_refused_or_replaced) {
  paystack::sim::server sim(options());
  sim.start();
  simtest::http_client api(sim.port(), key);
  simtest::http_client control(sim.port());
  const simtest::headers form{{"Content-Type", "application/x-www-form-urlencoded"}};

  // Form bodies are percent-decoded, so they can carry any byte: ill-formed UTF-8 is a 400.
  auto r = api.post("/paymentrequest", "customer=CUS_x&amount=100&description=caf%E9%FF", form);
  EXPECT_EQ(r.status, 400u) << r.body;
  EXPECT_NO_THROW(r.json());  // Boost.JSON refuses ill-formed UTF-8
  r = control.post("/_sim/terminals", "name=%C3%28", form);
  EXPECT_EQ(r.status, 400u) << r.body;
  r = api.put("/terminal/" + sim.terminal_ids().front(), "name=%ED%A0%80", form);  // surrogate
  EXPECT_EQ(r.status, 400u) << r.body;
  // Raw bytes in a JSON body, and a lone surrogate escape.
  EXPECT_EQ(
      api.post("/paymentrequest", "{\"customer\":1,\"amount\":1,\"description\":\"\xff\"}").status,
      400u);
  r = api.post("/paymentrequest", R"({"customer":1,"amount":1,"description":"\ud800"})");
  EXPECT_NO_THROW(r.json()) << r.body;
  // Header bytes echoed in an error message come back as U+FFFD.
  r = api.get("/terminal", {{"x-sim-fault", "\xff\xfe=1"}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_NO_THROW(r.json()) << r.body;
  EXPECT_NE(r.body.find("\xEF\xBF\xBD"), std::string::npos) << r.body;
  // Well-formed UTF-8 passes through untouched.
  r = api.post("/paymentrequest", "customer=CUS_x&amount=100&description=caf%C3%A9", form);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("data").at("description"), "caf\xC3\xA9");
}

TEST(Bounds, utf8_helpers) {
  namespace d = paystack::sim::detail;
  EXPECT_TRUE(d::valid_utf8("plain \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x92\xB3"));
  for (const char* bad : {"\xff", "\xC3", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80",
                          "\xF4\x90\x80\x80", "\xE2\x82"}) {
    EXPECT_FALSE(d::valid_utf8(bad)) << bad;
    EXPECT_TRUE(d::valid_utf8(d::to_valid_utf8(bad))) << bad;
  }
  EXPECT_EQ(d::to_valid_utf8("a\xffz"), "a\xEF\xBF\xBDz");
  EXPECT_EQ(d::to_valid_utf8("ok \xC3\xA9"), "ok \xC3\xA9");
}

}  // namespace
