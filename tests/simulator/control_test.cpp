// The /_sim control API and its C++ twin, seeding and reset.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "paystack/sim/server.hpp"
#include "sim_test_support.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using paystack::sim::control_result;

namespace {

constexpr const char* key = "sk_test_control_42";

paystack::sim::server_options manual_options() {
  paystack::sim::server_options o;
  o.secret_key = key;
  o.delivery_delay.reset();
  o.auto_pay_delay.reset();
  return o;
}

TEST(Control, seed_decides_what_the_first_list_shows) {
  auto o = manual_options();
  o.seed = 7;
  o.seed_terminals = 5;
  o.seed_devices = 4;
  paystack::sim::server a(o);
  paystack::sim::server b(o);
  EXPECT_EQ(a.terminal_ids().size(), 5u);
  EXPECT_EQ(a.device_serials().size(), 4u);
  EXPECT_EQ(a.terminal_ids(), b.terminal_ids());  // same seed, same ids
  EXPECT_EQ(a.device_serials(), b.device_serials());
  o.seed = 8;
  paystack::sim::server c(o);
  EXPECT_NE(a.terminal_ids(), c.terminal_ids());
  for (const auto& id : a.terminal_ids()) {
    EXPECT_EQ(id.size(), 8u);
    EXPECT_EQ(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), std::string::npos);
  }
}

TEST(Control, http_routes) {
  paystack::sim::server sim(manual_options());
  sim.start();
  simtest::http_client c(sim.port());  // the control API needs no key
  EXPECT_EQ(c.get("/_sim/health").json().at("status"), true);

  auto state = c.get("/_sim/state").json().at("data");
  EXPECT_EQ(state.at("terminals").as_array().size(), 3u);
  EXPECT_EQ(state.at("devices").as_array().size(), 2u);

  auto added = c.post("/_sim/terminals", R"({"name":"Kiosk"})").json();
  ASSERT_EQ(added.at("status"), true);
  std::string terminal(added.at("data").at("terminal_id").as_string());
  EXPECT_EQ(added.at("data").at("name"), "Kiosk");
  EXPECT_EQ(sim.terminal_ids().size(), 4u);

  auto device = c.post("/_sim/devices", R"({"serial_number":"SERIAL-1"})");
  ASSERT_EQ(device.status, 200u);
  EXPECT_EQ(sim.device_serials().back(), "SERIAL-1");
  EXPECT_EQ(c.post("/_sim/devices", R"({"serial_number":"SERIAL-1"})").status, 409u);

  ASSERT_EQ(c.post("/_sim/terminals/" + terminal + "/presence", R"({"available":false})").status,
            200u);
  simtest::http_client api(sim.port(), key);
  auto presence = api.get("/terminal/" + terminal + "/presence").json().at("data");
  EXPECT_EQ(presence.at("online"), true);
  EXPECT_EQ(presence.at("available"), false);
  EXPECT_EQ(c.post("/_sim/terminals/NOPE/presence", R"({"online":false})").status, 404u);

  EXPECT_EQ(c.post("/_sim/events/ffffffffffffffffffffffff/deliver", "").status, 404u);
  EXPECT_EQ(c.post("/_sim/events/ffffffffffffffffffffffff/hold", "").status, 404u);
  EXPECT_EQ(c.post("/_sim/payment-requests/123/approve", "").status, 404u);
  EXPECT_EQ(c.get("/_sim/nothing").status, 404u);

  auto log = c.get("/_sim/webhooks").json();
  EXPECT_EQ(log.at("data").as_array().size(), 0u);
  ASSERT_EQ(api.post("/paymentrequest", R"({"customer":1,"amount":100})").status, 200u);
  log = c.get("/_sim/webhooks").json();
  ASSERT_EQ(log.at("data").as_array().size(), 1u);
  EXPECT_EQ(log.at("data").at(0).at("status"), "skipped");  // no webhook URL configured
  EXPECT_EQ(log.at("data").at(0).at("event"), "paymentrequest.pending");

  // Reset: back to the seeded state.
  ASSERT_EQ(c.post("/_sim/reset", "").status, 200u);
  EXPECT_EQ(sim.terminal_ids().size(), 3u);
  EXPECT_EQ(api.get("/terminal/" + terminal).status, 404u);
  EXPECT_EQ(c.get("/_sim/webhooks").json().at("data").as_array().size(), 0u);
  EXPECT_EQ(c.get("/_sim/state").json().at("data").at("payment_requests").as_array().size(), 0u);
}

TEST(Control, cpp_api_matches_http) {
  paystack::sim::server sim(manual_options());
  sim.start();
  auto seeded = sim.terminal_ids();
  auto t = sim.add_terminal("Desk");
  EXPECT_EQ(sim.terminal_ids().size(), seeded.size() + 1);
  EXPECT_TRUE(sim.serial_of(t).has_value());
  auto serial = sim.add_device();
  EXPECT_EQ(sim.device_serials().back(), serial);
  EXPECT_EQ(sim.set_presence("NOPE", true, true), control_result::not_found);
  EXPECT_EQ(sim.approve_payment("PRQ_nothing"), control_result::not_found);
  EXPECT_EQ(sim.decline_payment("42"), control_result::not_found);
  sim.reset();
  EXPECT_EQ(sim.terminal_ids(), seeded);
  EXPECT_TRUE(sim.webhook_log().empty());
  EXPECT_TRUE(sim.wait_for_webhooks(0, 1ms));
  EXPECT_FALSE(sim.wait_for_webhooks(1, 1ms));
}

TEST(Control, start_stop_lifecycle) {
  paystack::sim::server sim(manual_options());
  sim.stop();  // before start: no-op
  sim.start();
  EXPECT_NE(sim.port(), 0);
  EXPECT_EQ(sim.base_url(), "http://127.0.0.1:" + std::to_string(sim.port()));
  EXPECT_THROW(sim.start(), std::logic_error);
  {
    simtest::http_client c(sim.port());
    EXPECT_EQ(c.get("/_sim/health").status, 200u);
  }
  // An idle keep-alive connection does not hold up stop().
  simtest::http_client idle(sim.port());
  ASSERT_EQ(idle.get("/_sim/health").status, 200u);
  auto begin = std::chrono::steady_clock::now();
  sim.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 1500ms);
  sim.stop();  // idempotent
  EXPECT_THROW(idle.get("/_sim/health"), boost::system::system_error);
}

TEST(Control, bind_failure_throws) {
  paystack::sim::server first(manual_options());
  first.start();
  auto o = manual_options();
  o.port = first.port();
  o.webhook_url = "";
  paystack::sim::server second(o);
  EXPECT_THROW(second.start(), boost::system::system_error);
}

TEST(Control, webhook_url_must_be_http) {
  auto o = manual_options();
  o.webhook_url = "https://example.com/hook";
  EXPECT_THROW(paystack::sim::server{o}, std::invalid_argument);
}

}  // namespace
