// The stateful story: commission, list, update, fetch, create, push, delivered, paid, webhooks
// received and verified, decommission. Plus decline, retries and offline terminals.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "paystack/sim/server.hpp"
#include "sim_test_support.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using paystack::sim::control_result;
using paystack::sim::webhook_status;

namespace {

constexpr const char* key = "sk_test_flow_5f1c0ffee";

struct flow_options {
  std::optional<std::chrono::milliseconds> delivery = 20ms;
  std::optional<std::chrono::milliseconds> pay = 20ms;
  unsigned attempts = 11;
  double scale = 1e-6;  // one simulated hour = 3.6 ms
};

class Flow : public ::testing::Test {
 protected:
  void start(flow_options f = {}) {
    paystack::sim::server_options o;
    o.secret_key = key;
    o.webhook_url = receiver_.url();
    o.delivery_delay = f.delivery;
    o.auto_pay_delay = f.pay;
    o.webhook_max_attempts = f.attempts;
    o.webhook_time_scale = f.scale;
    o.webhook_timeout = 2s;
    sim_ = std::make_unique<paystack::sim::server>(o);
    sim_->start();
    client_ = std::make_unique<simtest::http_client>(sim_->port(), key);
  }
  void TearDown() override {
    client_.reset();
    if (sim_) sim_->stop();
  }

  json::object create(std::int64_t amount) {
    auto r = client_->post("/paymentrequest",
                           R"({"customer":"CUS_flow","description":"Burger King Invoice",)"
                           R"("line_items":[{"name":"Burger","amount":)" +
                               std::to_string(amount) + R"(,"quantity":1}]})");
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json().at("data").as_object();
  }

  std::string push(const std::string& terminal, const json::object& pr,
                   const char* action = "process") {
    auto ev = json::object{
        {"type", "invoice"},
        {"action", action},
        {"data", json::object{{"id", pr.at("id")}, {"reference", pr.at("offline_reference")}}}};
    auto r = client_->post("/terminal/" + terminal + "/event", json::serialize(ev));
    EXPECT_EQ(r.status, 200u) << r.body;
    return std::string(r.json().at("data").at("id").as_string());
  }

  bool delivered(const std::string& terminal, const std::string& event) {
    return client_->get("/terminal/" + terminal + "/event/" + event)
        .json()
        .at("data")
        .at("delivered")
        .as_bool();
  }

  simtest::webhook_receiver receiver_;
  std::unique_ptr<paystack::sim::server> sim_;
  std::unique_ptr<simtest::http_client> client_;
};

TEST_F(Flow, the_whole_in_person_story) {
  start();
  // Commission a debug device: it appears in the list with an 8-character terminal id.
  auto serial = sim_->device_serials().at(0);
  auto r = client_->post("/terminal/commission_device",
                         json::serialize(json::object{{"serial_number", serial}}));
  ASSERT_EQ(r.status, 200u);
  auto list = client_->get("/terminal").json().at("data").as_array();
  ASSERT_EQ(list.size(), 4u);
  std::string terminal(list.back().at("terminal_id").as_string());
  EXPECT_EQ(list.back().at("serial_number"), serial.c_str());
  EXPECT_EQ(terminal.size(), 8u);

  // Update, then fetch.
  ASSERT_EQ(
      client_->put("/terminal/" + terminal, R"({"name":"Front desk","address":"Ikeja"})").status,
      200u);
  auto fetched = client_->get("/terminal/" + terminal).json();
  EXPECT_EQ(fetched.at("data").at("name"), "Front desk");

  // Presence, create, push.
  auto presence = client_->get("/terminal/" + terminal + "/presence").json();
  EXPECT_EQ(presence.at("data").at("online"), true);
  EXPECT_EQ(presence.at("data").at("available"), true);
  auto pr = create(5000);
  auto event = push(terminal, pr);

  // The simulated device picks it up, the customer pays.
  EXPECT_TRUE(simtest::eventually([&] { return delivered(terminal, event); }));
  EXPECT_TRUE(simtest::eventually([&] {
    return client_->get("/paymentrequest/verify/" + std::string(pr.at("request_code").as_string()))
        .json()
        .at("data")
        .at("paid")
        .as_bool();
  }));
  auto verified =
      client_->get("/paymentrequest/verify/" + std::string(pr.at("request_code").as_string()))
          .json();
  EXPECT_EQ(verified.at("data").at("status"), "success");
  EXPECT_TRUE(verified.at("data").at("paid_at").is_string());
  EXPECT_EQ(verified.at("data").at("pending_amount").as_int64(), 0);
  EXPECT_TRUE(simtest::eventually([&] {
    return client_->get("/terminal/" + terminal + "/presence")
        .json()
        .at("data")
        .at("available")
        .as_bool();
  }));

  // Webhooks: pending on create, then charge.success and paymentrequest.success, all signed.
  auto got = receiver_.wait_for(3, 5s);
  ASSERT_EQ(got.size(), 3u);
  std::vector<std::string> names;
  for (const auto& w : got) {
    EXPECT_EQ(w.signature, simtest::hmac_sha512_hex(key, w.body));
    EXPECT_EQ(w.target, "/webhooks");
    EXPECT_EQ(w.content_type, "application/json");
    names.emplace_back(json::parse(w.body).at("event").as_string());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"paymentrequest.pending", "charge.success",
                                             "paymentrequest.success"}));
  auto pending = json::parse(got[0].body);
  auto charge = json::parse(got[1].body);
  auto success = json::parse(got[2].body);
  SIMTEST_EXPECT_SAME_SHAPE(
      simtest::load_sample("guides/terminal/deferred/events/payment-request-pending.json"),
      pending);
  SIMTEST_EXPECT_SAME_SHAPE(
      simtest::load_sample("guides/terminal/deferred/events/transaction-successful.json"), charge);
  auto success_sample =
      simtest::load_sample("guides/terminal/deferred/events/payment-request-successful.json");
  // pdf_url is a string in that sample; the simulator has no PDFs and sends null.
  success_sample.at("data").as_object()["pdf_url"] = nullptr;
  SIMTEST_EXPECT_SAME_SHAPE(success_sample, success);
  EXPECT_EQ(charge.at("data").at("channel"), "pos");
  EXPECT_EQ(charge.at("data").at("amount"), "5000");
  EXPECT_EQ(charge.at("data").at("source").at("identifier"), terminal.c_str());
  EXPECT_EQ(success.at("data").at("status"), "success");
  EXPECT_EQ(success.at("data").at("paid"), true);
  EXPECT_EQ(success.at("data").at("offline_reference"), pr.at("offline_reference"));

  ASSERT_TRUE(sim_->wait_for_webhooks(3, 5s));
  for (const auto& w : sim_->webhook_log()) {
    EXPECT_EQ(w.status, webhook_status::delivered);
    ASSERT_EQ(w.attempts.size(), 1u);
    EXPECT_EQ(w.attempts[0].http_status, 200u);
  }

  // Decommission: gone from the list, fetch is 404.
  r = client_->post("/terminal/decommission_device",
                    json::serialize(json::object{{"serial_number", serial}}));
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(client_->get("/terminal/" + terminal).status, 404u);
  EXPECT_EQ(client_->get("/terminal").json().at("data").as_array().size(), 3u);
}

TEST_F(Flow, decline_emits_invoice_payment_failed_through_the_control_api) {
  start({.delivery = std::nullopt, .pay = std::nullopt});
  auto terminal = sim_->terminal_ids().at(0);
  auto pr = create(2500);
  auto event = push(terminal, pr);
  EXPECT_FALSE(delivered(terminal, event));
  ASSERT_EQ(client_->post("/_sim/events/" + event + "/deliver", "").status, 200u);
  EXPECT_TRUE(delivered(terminal, event));
  // While the customer is at the device, the terminal is busy.
  EXPECT_EQ(client_->get("/terminal/" + terminal + "/presence").json().at("data").at("available"),
            false);

  auto code = std::string(pr.at("request_code").as_string());
  ASSERT_EQ(client_->post("/_sim/payment-requests/" + code + "/decline", "").status, 200u);
  auto got = receiver_.wait_for(2, 5s);
  ASSERT_EQ(got.size(), 2u);
  auto failed = json::parse(got[1].body);
  EXPECT_EQ(failed.at("event"), "invoice.payment_failed");
  EXPECT_EQ(got[1].signature, simtest::hmac_sha512_hex(key, got[1].body));
  SIMTEST_EXPECT_SAME_SHAPE(
      simtest::load_sample("guides/terminal/deferred/events/invoice-failed.json"), failed);
  auto verify = client_->get("/paymentrequest/verify/" + code).json();
  EXPECT_EQ(verify.at("data").at("status"), "pending");
  EXPECT_EQ(client_->get("/terminal/" + terminal + "/presence").json().at("data").at("available"),
            true);

  // A second try succeeds; a third is a conflict.
  EXPECT_EQ(sim_->approve_payment(code), control_result::ok);
  EXPECT_EQ(sim_->approve_payment(code), control_result::conflict);
  EXPECT_EQ(client_->post("/_sim/payment-requests/" + code + "/approve", "").status, 409u);
  EXPECT_EQ(client_->get("/paymentrequest/verify/" + code).json().at("data").at("paid"), true);
  EXPECT_EQ(receiver_.wait_for(4, 5s).size(), 4u);
}

TEST_F(Flow, webhooks_are_retried_on_non2xx) {
  receiver_.script({500, 503});
  start({.delivery = std::nullopt, .pay = std::nullopt});
  create(100);
  ASSERT_TRUE(sim_->wait_for_webhooks(1, 5s));
  auto got = receiver_.wait_for(3, 5s);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].body, got[2].body);  // the same event, byte for byte
  EXPECT_EQ(got[0].signature, got[2].signature);
  auto log = sim_->webhook_log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].status, webhook_status::delivered);
  ASSERT_EQ(log[0].attempts.size(), 3u);
  EXPECT_EQ(log[0].attempts[0].http_status, 500u);
  EXPECT_EQ(log[0].attempts[1].http_status, 503u);
  EXPECT_EQ(log[0].attempts[2].http_status, 200u);
  EXPECT_EQ(log[0].signature, simtest::hmac_sha512_hex(key, log[0].body));

  auto http_log = client_->get("/_sim/webhooks").json().at("data").as_array();
  ASSERT_EQ(http_log.size(), 1u);
  EXPECT_EQ(http_log[0].at("status"), "delivered");
  EXPECT_EQ(http_log[0].at("attempts").as_array().size(), 3u);
  EXPECT_EQ(http_log[0].at("payload").at("event"), "paymentrequest.pending");
}

TEST_F(Flow, webhooks_give_up_after_the_last_attempt) {
  receiver_.script({500, 500, 500, 500});
  start({.delivery = std::nullopt, .pay = std::nullopt, .attempts = 2});
  create(100);
  ASSERT_TRUE(sim_->wait_for_webhooks(1, 5s));
  auto log = sim_->webhook_log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].status, webhook_status::failed);
  EXPECT_EQ(log[0].attempts.size(), 2u);
  EXPECT_EQ(receiver_.all().size(), 2u);
}

TEST_F(Flow, an_unreachable_receiver_is_recorded_as_a_transport_error) {
  paystack::sim::server_options o;
  o.secret_key = key;
  {
    simtest::webhook_receiver gone;
    o.webhook_url = gone.url();  // closed when this scope ends
  }
  o.webhook_max_attempts = 1;
  paystack::sim::server sim(o);
  sim.start();
  simtest::http_client c(sim.port(), key);
  ASSERT_EQ(c.post("/paymentrequest", R"({"customer":1,"amount":100})").status, 200u);
  ASSERT_TRUE(sim.wait_for_webhooks(1, 5s));
  auto log = sim.webhook_log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].status, webhook_status::failed);
  ASSERT_EQ(log[0].attempts.size(), 1u);
  EXPECT_EQ(log[0].attempts[0].http_status, 0u);
  EXPECT_FALSE(log[0].attempts[0].error.empty());
}

TEST_F(Flow, offline_terminals_get_their_events_when_they_come_back) {
  start({.delivery = 0ms, .pay = std::nullopt});
  auto terminal = sim_->terminal_ids().at(0);
  ASSERT_EQ(sim_->set_presence(terminal, false, false), control_result::ok);
  auto presence = client_->get("/terminal/" + terminal + "/presence").json();
  EXPECT_EQ(presence.at("data").at("online"), false);
  auto pr = create(700);
  auto event = push(terminal, pr);
  EXPECT_FALSE(delivered(terminal, event));
  ASSERT_EQ(
      client_
          ->post("/_sim/terminals/" + terminal + "/presence", R"({"online":true,"available":true})")
          .status,
      200u);
  EXPECT_TRUE(delivered(terminal, event));  // delivery delay 0: at once
}

TEST_F(Flow, immediate_mode_delivers_and_pays_before_the_push_returns) {
  start({.delivery = 0ms, .pay = 0ms});
  auto terminal = sim_->terminal_ids().at(0);
  auto pr = create(900);
  auto event = push(terminal, pr);
  EXPECT_TRUE(delivered(terminal, event));
  EXPECT_EQ(client_->get("/paymentrequest/" + std::to_string(pr.at("id").as_int64()))
                .json()
                .at("data")
                .at("status"),
            "success");
  EXPECT_EQ(receiver_.wait_for(3, 5s).size(), 3u);
}

TEST_F(Flow, held_events_wait_for_the_control_api) {
  start({.delivery = 10ms, .pay = std::nullopt});
  auto terminal = sim_->terminal_ids().at(0);
  ASSERT_EQ(sim_->set_presence(terminal, false, true), control_result::ok);  // nothing moves
  auto event = push(terminal, create(300));
  ASSERT_EQ(client_->post("/_sim/events/" + event + "/hold", "").status, 200u);
  ASSERT_EQ(sim_->set_presence(terminal, true, true), control_result::ok);
  EXPECT_FALSE(delivered(terminal, event));  // held: the 10 ms timer was never armed
  EXPECT_EQ(sim_->deliver_event(event), control_result::ok);
  EXPECT_TRUE(delivered(terminal, event));
  EXPECT_EQ(sim_->deliver_event(event), control_result::conflict);
  EXPECT_EQ(sim_->hold_event(event), control_result::conflict);
  EXPECT_EQ(sim_->deliver_event("ffffffffffffffffffffffff"), control_result::not_found);
}

}  // namespace
