// The terminals' screens (GET /_sim/state `screen`, the live page's data-state), the walk-away
// control action, and the live page itself: /_sim/ui with its policy and icon, its event
// stream, and none of it with options.ui off. The page in a real browser: tests/browser/.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "paystack/sim/server.hpp"
#include "sim_test_support.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using paystack::sim::control_result;

namespace {

constexpr const char* key = "sk_test_screens_26";

struct pushed {
  std::int64_t id = 0;
  std::string code;
  std::string reference;
  std::string event_id;
};

class LivePage : public simtest::sim_test {
 protected:
  LivePage() : sim_test(simtest::manual_options(key, 26)) {}

  /// A payment request of `amount`, pushed to the first terminal with action `process`.
  pushed push(std::int64_t amount, const std::string& terminal) {
    auto created = client_->post("/paymentrequest", R"({"customer":"CUS_screen0001","amount":)" +
                                                        std::to_string(amount) + "}");
    EXPECT_EQ(created.status, 200u) << created.body;
    auto data = created.json().at("data");
    pushed p{data.at("id").to_number<std::int64_t>(),
             std::string(data.at("request_code").as_string()),
             std::string(data.at("offline_reference").as_string()),
             {}};
    auto sent = client_->post(
        "/terminal/" + terminal + "/event",
        json::serialize(json::object{
            {"type", "invoice"},
            {"action", "process"},
            {"data", json::object{{"id", data.at("id")}, {"reference", p.reference}}}}));
    EXPECT_EQ(sent.status, 200u) << sent.body;
    p.event_id = std::string(sent.json().at("data").at("id").as_string());
    return p;
  }

  /// The terminal's `screen` and `screen_request` in GET /_sim/state.
  std::pair<std::string, std::string> screen(const std::string& terminal) {
    simtest::http_client c(sim_->port());
    const auto state = c.get("/_sim/state").json();  // alive over the loop
    for (const auto& t : state.at("data").at("terminals").as_array()) {
      if (t.at("terminal_id") != terminal.c_str()) continue;
      const auto& r = t.at("screen_request");
      return {std::string(t.at("screen").as_string()),
              r.is_null() ? std::string() : std::string(r.as_string())};
    }
    ADD_FAILURE() << "no terminal " << terminal;
    return {};
  }

  bool available(const std::string& terminal) {
    auto p = client_->get("/terminal/" + terminal + "/presence").json();
    return p.at("data").at("available").as_bool();
  }

  std::string terminal() const { return sim_->terminal_ids().at(0); }
};

TEST_F(LivePage, a_screen_shows_the_invoice_coming_then_delivered_then_paid) {
  const auto t = terminal();
  EXPECT_EQ(screen(t).first, "idle");
  auto p = push(5000, t);
  EXPECT_EQ(screen(t), std::make_pair(std::string("processing"), p.code));  // not delivered yet
  ASSERT_EQ(sim_->deliver_event(p.event_id), control_result::ok);
  EXPECT_EQ(screen(t), std::make_pair(std::string("invoice"), p.code));
  EXPECT_FALSE(available(t));
  simtest::http_client c(sim_->port());
  EXPECT_EQ(c.post("/_sim/payment-requests/" + p.code + "/approve", "").status, 200u);
  EXPECT_EQ(screen(t), std::make_pair(std::string("paid"), p.code));
  EXPECT_TRUE(available(t));
}

TEST_F(LivePage, a_decline_shows_declined_and_an_offline_terminal_shows_offline) {
  const auto t = terminal();
  auto p = push(5000, t);
  ASSERT_EQ(sim_->deliver_event(p.event_id), control_result::ok);
  simtest::http_client c(sim_->port());
  EXPECT_EQ(c.post("/_sim/payment-requests/" + p.code + "/decline", "").status, 200u);
  EXPECT_EQ(screen(t).first, "declined");
  ASSERT_EQ(sim_->set_presence(t, false, true), control_result::ok);
  EXPECT_EQ(screen(t).first, "offline");
  ASSERT_EQ(sim_->set_presence(t, true, true), control_result::ok);
  EXPECT_EQ(screen(t).first, "declined");
}

TEST_F(LivePage, walking_away_frees_the_terminal_and_pays_nothing) {
  const auto t = terminal();
  auto p = push(5000, t);
  simtest::http_client c(sim_->port());
  // Nothing on the screen yet: nothing to walk away from.
  EXPECT_EQ(c.post("/_sim/payment-requests/" + p.code + "/walk-away", "").status, 409u);
  ASSERT_EQ(sim_->deliver_event(p.event_id), control_result::ok);
  auto before = sim_->webhook_log().size();
  auto walked = c.post("/_sim/payment-requests/" + p.code + "/walk-away", "");
  EXPECT_EQ(walked.status, 200u) << walked.body;
  EXPECT_EQ(walked.json().at("message"), "Customer walked away");
  EXPECT_EQ(screen(t), std::make_pair(std::string("walked_away"), p.code));
  EXPECT_TRUE(available(t));
  EXPECT_EQ(sim_->webhook_log().size(), before) << "a walk-away emits no webhook";
  auto verify = client_->get("/paymentrequest/verify/" + p.code).json();
  EXPECT_EQ(verify.at("data").at("status"), "pending");
  // Once: the screen moved on.
  EXPECT_EQ(sim_->walk_away(p.code), control_result::conflict);
  EXPECT_EQ(sim_->walk_away("PRQ_nonexistent0"), control_result::not_found);
  EXPECT_EQ(c.post("/_sim/payment-requests/PRQ_nonexistent0/walk-away", "").status, 404u);
  // Still payable later by its offline reference; the terminal left shows no payment.
  EXPECT_EQ(c.post("/_sim/offline-payments/" + p.reference, "").status, 200u);
  EXPECT_EQ(screen(t).first, "walked_away");
}

TEST_F(LivePage, paying_by_the_reference_at_the_terminal_shows_it_paid) {
  const auto t = terminal();
  auto p = push(5000, t);
  ASSERT_EQ(sim_->deliver_event(p.event_id), control_result::ok);
  simtest::http_client c(sim_->port());
  EXPECT_EQ(c.post("/_sim/offline-payments/" + p.reference, "").status, 200u);
  EXPECT_EQ(screen(t), std::make_pair(std::string("paid"), p.code));
  EXPECT_TRUE(available(t));
}

TEST_F(LivePage, an_archived_request_leaves_the_screen_and_cannot_be_walked_away_from) {
  const auto t = terminal();
  auto p = push(5000, t);
  ASSERT_EQ(sim_->deliver_event(p.event_id), control_result::ok);
  ASSERT_EQ(client_->post("/paymentrequest/archive/" + p.code, "").status, 200u);
  EXPECT_EQ(screen(t).first, "idle");
  EXPECT_TRUE(available(t));
  simtest::http_client c(sim_->port());
  auto r = c.post("/_sim/payment-requests/" + p.code + "/walk-away", "");
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(r.json().at("message"), "Payment request has been archived");
  // Pushed again while archived: delivered, nothing to pay, the screen stays idle.
  auto again =
      client_->post("/terminal/" + t + "/event",
                    R"({"type":"invoice","action":"process","data":{"id":)" + std::to_string(p.id) +
                        R"(,"reference":")" + p.reference + R"("}})");
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(screen(t).first, "idle");
}

TEST_F(LivePage, magic_amounts_show_what_the_customer_did) {
  const auto t = terminal();
  auto declines = push(10001, t);
  ASSERT_EQ(sim_->deliver_event(declines.event_id), control_result::ok);
  EXPECT_EQ(screen(t), std::make_pair(std::string("declined"), declines.code));
  auto walks = push(10002, t);
  ASSERT_EQ(sim_->deliver_event(walks.event_id), control_result::ok);
  EXPECT_EQ(screen(t), std::make_pair(std::string("walked_away"), walks.code));
}

class LivePageAutoPay : public simtest::sim_test {
 protected:
  LivePageAutoPay() : sim_test(options()) {}
  static paystack::sim::server_options options() {
    auto o = simtest::manual_options(key, 27);
    o.delivery_delay = 0ms;
    o.auto_pay_delay = 100ms;
    return o;
  }
};

TEST_F(LivePageAutoPay, a_customer_who_walked_away_is_not_charged_by_auto_pay) {
  const auto t = sim_->terminal_ids().at(0);
  auto created = client_->post("/paymentrequest", R"({"customer":"CUS_screen0002","amount":7000})");
  auto data = created.json().at("data");
  const std::string code(data.at("request_code").as_string());
  auto sent = client_->post(
      "/terminal/" + t + "/event",
      json::serialize(json::object{
          {"type", "invoice"},
          {"action", "process"},
          {"data",
           json::object{{"id", data.at("id")}, {"reference", data.at("offline_reference")}}}}));
  ASSERT_EQ(sent.status, 200u);
  ASSERT_EQ(sim_->walk_away(code), control_result::ok);
  // The auto-pay timer (100 ms) fires and finds the screen moved on. A second request paid by
  // auto-pay on another terminal marks that the timers ran.
  const auto other = sim_->terminal_ids().at(1);
  auto second = client_->post("/paymentrequest", R"({"customer":"CUS_screen0002","amount":8000})");
  auto d2 = second.json().at("data");
  ASSERT_EQ(client_
                ->post("/terminal/" + other + "/event",
                       json::serialize(json::object{
                           {"type", "invoice"},
                           {"action", "process"},
                           {"data", json::object{{"id", d2.at("id")},
                                                 {"reference", d2.at("offline_reference")}}}}))
                .status,
            200u);
  const std::string code2(d2.at("request_code").as_string());
  ASSERT_TRUE(simtest::eventually([&] {
    return client_->get("/paymentrequest/verify/" + code2).json().at("data").at("status") ==
           "success";
  }));
  EXPECT_EQ(client_->get("/paymentrequest/verify/" + code).json().at("data").at("status"),
            "pending");
}

TEST_F(LivePage, the_page_is_one_document_allowed_nothing_but_itself) {
  simtest::http_client c(sim_->port());
  auto page = c.get("/_sim/ui");
  ASSERT_EQ(page.status, 200u);
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  const auto csp = page.header("content-security-policy");
  EXPECT_EQ(csp.rfind("default-src 'none'; script-src 'sha256-", 0), 0u) << csp;
  EXPECT_NE(csp.find("style-src 'sha256-"), std::string::npos) << csp;
  EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe"), std::string::npos) << csp;
  EXPECT_EQ(page.header("x-content-type-options"), "nosniff");
  // Self-contained: no external script, style, font or image; its data contract is in it.
  EXPECT_EQ(page.body.find("src=\"http"), std::string::npos);
  EXPECT_EQ(page.body.find("href=\"http"), std::string::npos);
  for (const char* s : {"data-terminal-id", "data-state", "data-action", "'walk_away'",
                        "'pay_offline'", "/_sim/ui/stream", "/_sim/ui/favicon.svg"}) {
    EXPECT_NE(page.body.find(s), std::string::npos) << s;
  }
  auto icon = c.get("/_sim/ui/favicon.svg");
  EXPECT_EQ(icon.status, 200u);
  EXPECT_EQ(icon.header("content-type"), "image/svg+xml");
  EXPECT_EQ(c.post("/_sim/ui", "").status, 404u) << "the page only reads";
  EXPECT_EQ(c.get("/_sim/ui/other").status, 404u);
}

TEST_F(LivePage, the_stream_sends_the_view_then_each_change) {
  const auto t = terminal();
  paystack::test::raw_connection s(sim_->port(), 10s);
  ASSERT_TRUE(s.send("GET /_sim/ui/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  ASSERT_TRUE(s.read_until("}\n\n")) << s.received();
  EXPECT_EQ(s.status(), 200);
  EXPECT_NE(s.received().find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_EQ(s.received().find("Content-Length"), std::string::npos) << "a stream has no length";
  EXPECT_NE(s.received().find(R"("state":"idle")"), std::string::npos) << s.received();
  auto p = push(5000, t);
  ASSERT_EQ(sim_->deliver_event(p.event_id), control_result::ok);
  ASSERT_TRUE(s.read_until(R"("state":"invoice")")) << s.received();
  EXPECT_NE(s.received().find(p.code), std::string::npos);
}

class LivePageOff : public simtest::sim_test {
 protected:
  LivePageOff() : sim_test(options()) {}
  static paystack::sim::server_options options() {
    auto o = simtest::manual_options(key, 28);
    o.ui = false;
    return o;
  }
};

TEST_F(LivePageOff, no_ui_serves_no_page_but_the_control_api_stays) {
  simtest::http_client c(sim_->port());
  for (const char* p : {"/_sim/ui", "/_sim/ui/stream", "/_sim/ui/favicon.svg"}) {
    EXPECT_EQ(c.get(p).status, 404u) << p;
  }
  EXPECT_EQ(c.get("/_sim/state").status, 200u);
}

}  // namespace
