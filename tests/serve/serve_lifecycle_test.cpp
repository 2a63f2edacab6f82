// The charge service's life: drain (SIGTERM in the CLI), the background resume of what a
// drained or dead instance left, and the webhook listener handing events to charges.
#include "serve_fixture.hpp"

using namespace serve_test;

namespace {

/// Reads the charge's event stream until its journal says `stage`; the request code then.
std::string wait_stage(std::uint16_t port, const std::string& key, const std::string& stage) {
  flow_test::raw_connection events(port, 15s);
  events.send("GET /v1/charges/" + key + "/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
              std::string(token) + "\r\n\r\n");
  if (!events.read_until("\"stage\":\"" + stage + "\"")) return {};
  return http_call(port, "GET", "/v1/charges/" + key).str("request_code");
}

/// Whether the instance on `port` comes to run `key` (its housekeeping resumes it) within 20
/// GETs, each waiting for a change of the charge there (1 s at most).
bool running_here(std::uint16_t port, const std::string& key) {
  for (int i = 0; i < 20; ++i) {
    auto r = http_call(port, "GET", "/v1/charges/" + key + "?wait=1");
    if (r.obj().contains("running_here") && r.obj().at("running_here").as_bool()) return true;
  }
  return false;
}

std::uint16_t port_of(const std::string& url) {
  auto colon = url.rfind(':');
  return static_cast<std::uint16_t>(std::stoi(url.substr(colon + 1)));
}

}  // namespace

TEST_F(ServeManualPay, drain_refuses_new_charges_and_another_instance_resumes_the_rest) {
  auto o = service_options();
  o.drain_timeout = 2s;
  auto& s = start_service(o);
  ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body("drain-1", terminal())).status,
            202);
  const auto code = wait_stage(s.port(), "drain-1", "delivered");
  ASSERT_FALSE(code.empty());
  auto drained = std::make_shared<std::promise<void>>();
  auto f = drained->get_future();
  s.async_drain([drained](boost::system::error_code) { drained->set_value(); });
  auto ready = http_call(s.port(), "GET", "/readyz", {}, std::nullopt);
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.error_code(), "draining");
  auto fresh = http_call(s.port(), "POST", "/v1/charges", charge_body("drain-2", terminal(1)));
  EXPECT_EQ(fresh.status, 503);
  EXPECT_EQ(fresh.error_code(), "draining");
  ASSERT_EQ(f.wait_for(15s), std::future_status::ready);
  EXPECT_EQ(s.stats().in_flight, 0u);

  // Left journaled, unfinished: a new instance's housekeeping resumes it; the customer pays.
  auto o2 = service_options();
  o2.store = open_store();
  o2.housekeeping_interval = 200ms;
  auto& s2 = start_service(o2);
  auto left = http_call(s2.port(), "GET", "/v1/charges/drain-1");
  EXPECT_FALSE(left.obj().at("finished").as_bool()) << left.body;
  ASSERT_TRUE(running_here(s2.port(), "drain-1")) << "not resumed";
  EXPECT_EQ(sim_->approve_payment(code), paystack::sim::control_result::ok);
  auto done = wait_finished(s2.port(), "drain-1");
  EXPECT_EQ(done.str("outcome"), "paid") << done.body;
  EXPECT_GE(s2.stats().resumed, 1u);
  EXPECT_EQ(creates_, 1u);
  EXPECT_EQ(http_call(s2.port(), "GET", "/v1/charges/drain-2").status, 404);
}

TEST_F(ServeManualPay, a_drain_stops_a_resumed_charge_within_the_drain_timeout) {
  // Before the fix a resumed charge ignored the drain's stop (async_resume_charge dropped its
  // cancellation slot): the drain waited its 15 s grace, and the charge ran to its deadline.
  auto o = service_options();
  o.drain_timeout = 0ms;
  auto& s = start_service(o);
  ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body("drain-r", terminal())).status,
            202);
  ASSERT_FALSE(wait_stage(s.port(), "drain-r", "delivered").empty());
  auto first = std::make_shared<std::promise<void>>();
  s.async_drain([first](boost::system::error_code) { first->set_value(); });
  ASSERT_EQ(first->get_future().wait_for(15s), std::future_status::ready);

  auto o2 = service_options();
  o2.store = open_store();
  o2.drain_timeout = 200ms;
  o2.housekeeping_interval = 200ms;  // resumes drain-r once its record is two lease lifetimes old
  auto& s2 = start_service(o2);
  ASSERT_TRUE(running_here(s2.port(), "drain-r")) << "not resumed";
  const auto t0 = std::chrono::steady_clock::now();
  auto second = std::make_shared<std::promise<void>>();
  s2.async_drain([second](boost::system::error_code) { second->set_value(); });
  ASSERT_EQ(second->get_future().wait_for(10s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << "the resumed charge was not stopped";
  EXPECT_EQ(s2.stats().in_flight, 0u);
  std::promise<std::optional<paystack::charge_record>> loaded;
  store_->async_load(
      "drain-r", [&loaded](boost::system::error_code, std::optional<paystack::charge_record> r) {
        loaded.set_value(std::move(r));
      });
  auto rec = loaded.get_future().get();
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->stage, paystack::charge_journal_stage::delivered) << "left for a resume";
  EXPECT_EQ(creates_, 1u);
}

TEST_F(ServeFixture, drain_with_nothing_running_completes_at_once) {
  auto& s = start_service();
  auto drained = std::make_shared<std::promise<void>>();
  auto f = drained->get_future();
  s.async_drain([drained](boost::system::error_code) { drained->set_value(); });
  EXPECT_EQ(f.wait_for(5s), std::future_status::ready);
}

TEST_F(ServeManualPay, webhook_listener_hands_a_decline_to_the_charge) {
  auto o = service_options();
  paystack::webhook_server_options wo;
  wo.secret_key = secret;
  o.webhooks = wo;
  auto& s = start_service(o);
  ASSERT_FALSE(s.webhook_url().empty());
  ASSERT_EQ(http_call(s.port(), "POST", "/v1/charges", charge_body("hook-1", terminal())).status,
            202);
  const auto code = wait_stage(s.port(), "hook-1", "delivered");
  ASSERT_FALSE(code.empty());
  const auto before = sim_->webhook_log().size();
  ASSERT_EQ(sim_->decline_payment(code), paystack::sim::control_result::ok);
  ASSERT_TRUE(sim_->wait_for_webhooks(before + 1, 5s));
  // The simulator has no webhook URL: the test delivers its signed event as Paystack would.
  std::optional<paystack::sim::webhook_delivery> failed;
  for (const auto& d : sim_->webhook_log())
    if (d.event == "invoice.payment_failed") failed = d;
  ASSERT_TRUE(failed);
  auto a = flow_test::raw_http(port_of(s.webhook_url()),
                               flow_test::webhook_request(failed->body, failed->signature, "/"));
  EXPECT_EQ(a.status, 200) << a.raw;
  auto done = wait_finished(s.port(), "hook-1");
  EXPECT_EQ(done.str("outcome"), "declined") << done.body;
  EXPECT_EQ(creates_, 1u);
}

TEST_F(ServeFixture, start_refuses_a_short_token_and_a_missing_store) {
  auto o = service_options();
  o.token = "short";
  paystack::charge_service a(io_.io().get_executor(), *client_, o);
  EXPECT_THROW(a.start(), std::invalid_argument);
  o = service_options();
  o.store.reset();
  paystack::charge_service b(io_.io().get_executor(), *client_, o);
  EXPECT_THROW(b.start(), std::invalid_argument);
}
